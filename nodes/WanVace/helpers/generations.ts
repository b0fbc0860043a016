import type { IBinaryData, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { RunSettings } from '../descriptions/runOptions';
import { readRunSettings } from '../descriptions/runOptions';
import { type AimlApiTransport, GENERATIONS_ENDPOINT, createTransport } from '../transport';
import { IncompleteDownload, downloadTarget, downloadVideo } from './binary';
import {
	type HttpFailure,
	type NodeFailure,
	apiError,
	asNodeFailure,
	errorItemJson,
	generationHint,
	isSafeToResubmit,
	isTransient,
	operationError,
	summarizeFailure,
	toHttpFailure,
} from './errors';
import { type GenerationResponse, failureReason, parseGenerationResponse, statusKind } from './generationResponse';
import { logReuse, logSubmission } from './generationLog';
import { generationJson, outputItem } from './output';
import type { GenerationRequest } from './requestBody';
import { RetryMemory } from './retryMemory';
import { SLEEP_SLICE_MS, isCancelled, sleepUntil } from './sleep';
import { runsAsTool } from './toolRun';
import { sleep } from 'n8n-workflow';

/**
 * How often a submission may be tried. Only failures that prove nothing was created are
 * retried at all (see isSafeToResubmit): a rate limit or an unavailable API often, a
 * refused connection a few times, an unknown host name (likely a typo in the Base URL) twice.
 */
function submitAttemptsAllowed(failure: HttpFailure): number {
	if (!isSafeToResubmit(failure)) return 1;
	if (failure.status !== undefined) return 12;
	return failure.code === 'ENOTFOUND' ? 2 : 5;
}
/** Consecutive failed status checks of one generation before it is reported as an error. */
const MAX_CONSECUTIVE_POLL_FAILURES = 10;
const MAX_DOWNLOAD_ATTEMPTS = 3;
const MAX_BACKOFF_MS = 30_000;

/** Exponential backoff with jitter: ~1 s, 2 s, 4 s ... up to 30 s. */
export function backoffMs(failures: number): number {
	const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, failures - 1));
	return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** One input item on its way through submit, polling and download. */
export interface GenerationJob {
	itemIndex: number;
	request?: GenerationRequest;
	generationId?: string;
	response?: GenerationResponse;
	binary?: IBinaryData;
	error?: NodeFailure;
	/** No more requests will be made for this job. */
	done: boolean;
	/** A POST was in flight when the execution was cancelled: it may have created a generation. */
	submissionInterrupted?: boolean;
	/** The POST failed in a way that may have created a generation whose ID never came back. */
	submissionUncertain?: boolean;
	submitAttempts?: number;
	firstSubmitAt?: number;
	deadline: number;
	nextPollAt: number;
	consecutiveFailures: number;
}

export type WaitMode = 'untilFinished' | 'lookUpOnce';
/** submitOnly: stop at the generation ID (Submit operation). */
export type RunMode = WaitMode | 'submitOnly';

/**
 * Runs many generations together: every item is submitted first (bounded concurrency),
 * then all open generations are polled on one schedule, so N items take about as long as
 * the slowest, not the sum. Nothing submitted is dropped: each generation ID ends up in an
 * output item or in the error that stops the node.
 */
export class GenerationBatch {
	readonly jobs: GenerationJob[] = [];

	private firstFailure?: GenerationJob;

	private constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly transport: AimlApiTransport,
		readonly settings: RunSettings,
		private readonly continueOnFail: boolean,
		private readonly downloadVideo: boolean,
		private readonly retryMemory: RetryMemory | undefined,
	) {}

	static async start(ctx: IExecuteFunctions): Promise<GenerationBatch> {
		const settings = readRunSettings(ctx);
		const transport = await createTransport(ctx);
		// As an AI agent tool the node answers with JSON only.
		const asTool = runsAsTool(ctx);
		const downloadVideo = settings.downloadVideo && !asTool;
		return new GenerationBatch(ctx, transport, settings, ctx.continueOnFail(), downloadVideo, RetryMemory.of(ctx));
	}

	private get node() {
		return this.ctx.getNode();
	}

	private get signal(): AbortSignal | undefined {
		return this.ctx.getExecutionCancelSignal();
	}

	private get halted(): boolean {
		return this.firstFailure !== undefined && !this.continueOnFail;
	}

	private fail(job: GenerationJob, error: NodeFailure): void {
		job.error = error;
		job.done = true;
		this.firstFailure ??= job;
	}

	/**
	 * Builds one job per input item, up to Max Concurrent Requests at once (a build may
	 * fetch, e.g. to check inputs). Invalid items fail here, before anything is sent;
	 * without Continue On Fail the lowest failing item stops the node.
	 */
	async prepare(build: (itemIndex: number) => Promise<Omit<GenerationJob, 'done' | 'deadline' | 'nextPollAt' | 'consecutiveFailures' | 'itemIndex'>>): Promise<void> {
		const count = this.ctx.getInputData().length;
		for (let itemIndex = 0; itemIndex < count; itemIndex++) {
			this.jobs.push({ itemIndex, done: false, deadline: Infinity, nextPollAt: 0, consecutiveFailures: 0 });
		}
		const refused = new Set<GenerationJob>();
		let next = 0;
		const worker = async () => {
			while (next < count && !this.halted && !isCancelled(this.signal)) {
				const job = this.jobs[next++];
				try {
					Object.assign(job, await build(job.itemIndex));
					this.restoreEarlierTry(job);
				} catch (error) {
					this.fail(job, asNodeFailure(this.node, error, job.itemIndex));
					refused.add(job);
				}
			}
		};
		await Promise.all(Array.from({ length: Math.min(count, this.settings.maxConcurrentRequests) }, worker));
		const firstRefused = this.jobs.find((job) => refused.has(job));
		if (firstRefused && !this.continueOnFail) {
			// The lowest refused item stops the node, listing any generation an earlier try left.
			this.firstFailure = firstRefused;
			this.throwIfHalted();
		}
	}

	/** Retry On Fail: what an earlier try of this node run got for the job is used, not paid again. */
	private restoreEarlierTry(job: GenerationJob): void {
		const restored = this.retryMemory?.restore(job, { downloadVideo: this.downloadVideo, maxWaitMs: this.settings.maxWaitMs });
		if (restored?.failure) this.fail(job, restored.failure);
		if (restored?.reused && job.generationId) logReuse(this.ctx, job.itemIndex, job.generationId, this.transport.secrets);
	}

	/** Runs every job to its end (see drive), then notes where each ended for a Retry On Fail. */
	async run(mode: RunMode): Promise<void> {
		try {
			await this.drive(mode);
		} finally {
			this.retryMemory?.record(this.jobs);
		}
	}

	/**
	 * Drives every job to its end: submissions first (they are due at once), then status
	 * checks on each generation's own schedule, with at most Max Concurrent Requests in
	 * flight. A job waiting out a backoff or Retry-After does not hold a slot. On a stopping
	 * failure (no Continue On Fail) or a cancel, requests in flight are awaited first, so any
	 * generation they create is known and reported.
	 */
	private async drive(mode: RunMode): Promise<void> {
		const inFlight = new Map<GenerationJob, Promise<void>>();
		for (;;) {
			if (this.halted || isCancelled(this.signal)) {
				await Promise.allSettled(inFlight.values());
				this.throwIfCancelled();
				this.throwIfHalted();
			}
			const now = Date.now();
			const idle = this.jobs.filter((job) => !job.done && !inFlight.has(job) && (job.request || job.generationId));
			for (const job of idle) {
				if (job.generationId && now >= job.deadline) this.fail(job, this.timeoutError(job));
			}
			const waiting = idle.filter((job) => !job.done);
			if (this.halted) continue;
			if (waiting.length === 0 && inFlight.size === 0) return;
			const due = waiting.filter((job) => job.nextPollAt <= now).sort((a, b) => a.nextPollAt - b.nextPollAt);
			for (const job of due.slice(0, Math.max(0, this.settings.maxConcurrentRequests - inFlight.size))) {
				const step = (job.generationId ? this.poll(job, mode === 'submitOnly' ? 'lookUpOnce' : mode) : this.submit(job, mode))
					.catch((error: unknown) => this.fail(job, this.unexpectedError(job, error)))
					.finally(() => inFlight.delete(job));
				inFlight.set(job, step);
			}
			// With every slot taken, only a finishing request frees the next one.
			const notStarted = inFlight.size >= this.settings.maxConcurrentRequests ? [] : waiting.filter((job) => !inFlight.has(job));
			const wakeAt = Math.min(...notStarted.map((job) => (job.generationId ? Math.min(job.nextPollAt, job.deadline) : job.nextPollAt)));
			await this.pause(wakeAt, [...inFlight.values()]);
		}
	}

	/** Waits until `wakeAt`, a request in flight settles, or the execution is cancelled. */
	private async pause(wakeAt: number, inFlight: Array<Promise<void>>): Promise<void> {
		let settled = false;
		const markSettled = () => {
			settled = true;
		};
		if (inFlight.length > 0) Promise.race(inFlight).then(markSettled, markSettled);
		for (;;) {
			if (settled || isCancelled(this.signal)) return;
			const remaining = wakeAt - Date.now();
			if (remaining <= 0) return;
			await Promise.race([sleep(Math.min(remaining, SLEEP_SLICE_MS)), ...inFlight]);
		}
	}

	/** One POST attempt. A refused or rate-limited attempt is rescheduled, never repeated blindly. */
	private async submit(job: GenerationJob, mode: RunMode): Promise<void> {
		job.submitAttempts = (job.submitAttempts ?? 0) + 1;
		job.firstSubmitAt ??= Date.now();
		let raw: unknown;
		try {
			raw = await this.transport.request({
				method: 'POST',
				endpoint: GENERATIONS_ENDPOINT,
				body: job.request?.body,
				timeoutMs: this.settings.requestTimeoutMs,
			});
		} catch (error) {
			const failure = toHttpFailure(error);
			if (failure.cancelled || isCancelled(this.signal)) {
				job.submissionInterrupted = true;
				job.done = true;
				return;
			}
			const retryInMs = failure.retryAfterMs ?? backoffMs(job.submitAttempts);
			const withinWait = Date.now() + retryInMs < job.firstSubmitAt + this.settings.maxWaitMs;
			if (job.submitAttempts < submitAttemptsAllowed(failure) && withinWait) {
				job.nextPollAt = Date.now() + retryInMs;
				return;
			}
			const nothingCreated = isSafeToResubmit(failure) || (failure.status !== undefined && failure.status < 500);
			job.submissionUncertain = !nothingCreated;
			const attempts = job.submitAttempts > 1 ? ` (tried ${job.submitAttempts} times)` : '';
			this.fail(
				job,
				apiError(this.node, failure, {
					itemIndex: job.itemIndex,
					action: 'submitting the generation',
					hint: nothingCreated
						? `No generation was created for this item, so nothing was charged${attempts}.`
						: 'The request may have reached AI/ML API and created a generation before the answer was lost. Check the generations in your AI/ML API dashboard before running this item again, so you do not pay twice.',
					secrets: this.transport.secrets,
				}),
			);
			return;
		}
		const response = parseGenerationResponse(raw);
		const generationId = typeof response?.id === 'string' ? response.id.trim() : '';
		if (!response || !generationId) {
			job.submissionUncertain = true;
			this.fail(
				job,
				operationError(this.node, 'AI/ML API accepted the submission but its answer has no generation ID', {
					itemIndex: job.itemIndex,
					description: `A generation may have been created and charged. Check your AI/ML API dashboard before running this item again, so you do not pay twice. The answer was: ${JSON.stringify(raw)?.slice(0, 300) ?? String(raw)}`,
					secrets: this.transport.secrets,
				}),
			);
			return;
		}
		const now = Date.now();
		job.generationId = generationId;
		logSubmission(this.ctx, job.itemIndex, generationId, this.transport.secrets);
		job.deadline = now + this.settings.maxWaitMs;
		job.nextPollAt = now + this.settings.pollIntervalMs;
		if (mode === 'submitOnly') {
			job.response = response;
			if (statusKind(response.status) !== 'failed') {
				job.done = true;
				return;
			}
		}
		await this.applyResponse(job, response, 'untilFinished', true);
	}

	/** Sets up jobs that look up existing generation IDs (Get operation). */
	trackExisting(): void {
		const now = Date.now();
		for (const job of this.jobs) {
			if (job.done || !job.generationId) continue;
			job.deadline = now + this.settings.maxWaitMs;
			job.nextPollAt = now;
		}
	}

	private async poll(job: GenerationJob, mode: WaitMode): Promise<void> {
		const generationId = job.generationId as string;
		let raw: unknown;
		try {
			raw = await this.transport.request({
				method: 'GET',
				endpoint: GENERATIONS_ENDPOINT,
				qs: { generation_id: generationId },
				timeoutMs: this.settings.requestTimeoutMs,
			});
		} catch (error) {
			const failure = toHttpFailure(error);
			if (failure.cancelled || isCancelled(this.signal)) return;
			if (isTransient(failure)) {
				this.retryLater(job, summarizeFailure(failure), failure.retryAfterMs);
				return;
			}
			this.fail(
				job,
				apiError(this.node, failure, {
					itemIndex: job.itemIndex,
					action: `checking generation ${generationId}`,
					generationId,
					secrets: this.transport.secrets,
				}),
			);
			return;
		}
		const response = parseGenerationResponse(raw);
		if (!response) {
			this.retryLater(job, 'the API answered with a body that is not a generation status', undefined);
			return;
		}
		job.consecutiveFailures = 0;
		await this.applyResponse(job, response, mode, false);
	}

	private retryLater(job: GenerationJob, problem: string, retryAfterMs: number | undefined): void {
		job.consecutiveFailures++;
		if (job.consecutiveFailures >= MAX_CONSECUTIVE_POLL_FAILURES) {
			this.fail(
				job,
				operationError(this.node, `Checking generation ${job.generationId} failed ${job.consecutiveFailures} times in a row (last: ${problem})`, {
					itemIndex: job.itemIndex,
					description: `The generation may still finish at AI/ML API. ${generationHint(job.generationId)}`,
					secrets: this.transport.secrets,
				}),
			);
			return;
		}
		job.nextPollAt = Date.now() + (retryAfterMs ?? backoffMs(job.consecutiveFailures));
	}

	private async applyResponse(job: GenerationJob, response: GenerationResponse, mode: WaitMode, fromSubmit: boolean): Promise<void> {
		const generationId = job.generationId as string;
		job.response = fromSubmit && job.response ? { ...job.response, ...response } : response;
		const kind = statusKind(response.status);
		if (kind === 'running') {
			if (mode === 'lookUpOnce' && !fromSubmit) job.done = true;
			else job.nextPollAt = Date.now() + this.settings.pollIntervalMs;
			return;
		}
		if (kind === 'failed') {
			const reason = failureReason(response);
			this.fail(
				job,
				operationError(this.node, `Generation ${generationId} failed: ${reason ?? `AI/ML API reported status "${response.status}" without a reason`}`, {
					itemIndex: job.itemIndex,
					description: `AI/ML API reported status "${response.status}". Adjust the prompt or inputs and run the item again. Generation ID: ${generationId}.`,
					secrets: this.transport.secrets,
				}),
			);
			return;
		}
		const target = downloadTarget(response, generationId);
		if (!target) {
			const reason = failureReason(response);
			this.fail(
				job,
				operationError(this.node, `Generation ${generationId} completed without a video${reason ? `: ${reason}` : ''}`, {
					itemIndex: job.itemIndex,
					description: `AI/ML API reported the generation as completed but returned no video URL${reason ? '' : ' and no reason'}. Adjust the prompt or inputs (the safety checker may have blocked the output). Generation ID: ${generationId}.`,
					secrets: this.transport.secrets,
				}),
			);
			return;
		}
		if (this.downloadVideo) await this.download(job, target);
		else job.done = true;
	}

	private async download(job: GenerationJob, target: NonNullable<ReturnType<typeof downloadTarget>>): Promise<void> {
		const generationId = job.generationId as string;
		let problem = '';
		const validUrl = /^https?:\/\//i.test(target.url);
		for (let attempt = 1; validUrl && attempt <= MAX_DOWNLOAD_ATTEMPTS; attempt++) {
			try {
				job.binary = await downloadVideo(this.ctx, target, this.settings.requestTimeoutMs);
				job.done = true;
				return;
			} catch (error) {
				if (isCancelled(this.signal)) return;
				let retry: boolean;
				if (error instanceof IncompleteDownload) {
					problem = `the transfer stopped after ${error.receivedBytes} of ${error.expectedBytes} bytes`;
					retry = true;
				} else {
					const failure = toHttpFailure(error);
					problem = summarizeFailure(failure);
					retry = isTransient(failure) || failure.status === 404;
				}
				if (!retry || attempt === MAX_DOWNLOAD_ATTEMPTS) break;
				if (!(await sleepUntil(Date.now() + backoffMs(attempt), this.signal))) return;
			}
		}
		this.fail(
			job,
			operationError(this.node, `Generation ${generationId} completed, but downloading its video failed: ${validUrl ? problem : 'the video URL is not an http(s) URL'}`, {
				itemIndex: job.itemIndex,
				description: `The video is at ${target.url} (AI/ML API may not keep it for long). Download it from there, or run this node's Get operation with Download Video for generation ID ${generationId}.`,
				secrets: this.transport.secrets,
			}),
		);
	}

	/** A bug or an unforeseen answer: still reported with the generation ID, never dropped. */
	private unexpectedError(job: GenerationJob, error: unknown): NodeFailure {
		const message = error instanceof Error ? error.message : String(error);
		return operationError(this.node, `Unexpected failure while handling item ${job.itemIndex}: ${message}`, {
			itemIndex: job.itemIndex,
			description: job.generationId ? generationHint(job.generationId) : undefined,
			secrets: this.transport.secrets,
		});
	}

	private timeoutError(job: GenerationJob): NodeFailure {
		const minutes = Math.round((this.settings.maxWaitMs / 60_000) * 100) / 100;
		const status = job.response?.status ? ` (last status: ${job.response.status})` : '';
		return operationError(this.node, `Generation ${job.generationId} did not finish within ${minutes} min${status}`, {
			itemIndex: job.itemIndex,
			description: `It keeps running at AI/ML API. ${generationHint(job.generationId)} Or raise "Max Wait" in Run Options.`,
			secrets: this.transport.secrets,
		});
	}

	/** Every generation except `except`, with its status: listed in a stopping error. */
	private otherGenerations(except?: GenerationJob): string {
		const lines = this.jobs
			.filter((job) => job !== except && (job.generationId || job.submissionInterrupted))
			.map((job) =>
				job.generationId
					? `item ${job.itemIndex}: ${job.generationId} (${job.error ? 'failed' : (job.response?.status ?? 'submitted')})`
					: `item ${job.itemIndex}: a submission was interrupted and may have created a generation (check your dashboard)`,
			);
		return lines.length ? ` Generations of this run, not lost; fetch them with the Get operation: ${lines.join('; ')}.` : '';
	}

	private throwIfHalted(): void {
		if (!this.halted || !this.firstFailure?.error) return;
		const error = this.firstFailure.error;
		const others = this.otherGenerations(this.firstFailure);
		if (others) error.description = `${error.description ?? ''}${others}`.trim();
		throw error;
	}

	private throwIfCancelled(): void {
		if (!isCancelled(this.signal)) return;
		const open = this.jobs.filter((job) => job.generationId && !job.done);
		throw operationError(this.node, `The execution was cancelled while ${open.length} generation(s) were still running`, {
			itemIndex: (open[0] ?? this.jobs[0])?.itemIndex ?? 0,
			description: `They keep running at AI/ML API.${this.otherGenerations()}`,
			secrets: this.transport.secrets,
		});
	}

	/** One output item per input item, in input order. */
	outputItems(): INodeExecutionData[] {
		return this.jobs.map((job) => {
			if (job.error) {
				return outputItem(
					job.itemIndex,
					errorItemJson(job.error, {
						...(job.generationId ? { generationId: job.generationId } : {}),
						...(job.response?.status ? { status: job.response.status } : {}),
						...(job.response?.video?.url ? { videoUrl: job.response.video.url } : {}),
					}),
				);
			}
			const json = generationJson(job.generationId as string, job.response, job.request?.settings);
			return outputItem(
				job.itemIndex,
				json,
				job.binary ? { propertyName: this.settings.binaryPropertyName, data: job.binary } : undefined,
			);
		});
	}
}
