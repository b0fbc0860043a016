import type { IBinaryData, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { RunSettings } from '../descriptions/runOptions';
import { readRunSettings } from '../descriptions/runOptions';
import { type AimlApiTransport, GENERATIONS_ENDPOINT, createTransport } from '../transport';
import { IncompleteDownload, downloadTarget, downloadVideo } from './binary';
import { forEachWithConcurrency } from './concurrency';
import {
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
	wasNotSent,
} from './errors';
import { type GenerationResponse, failureReason, parseGenerationResponse, statusKind } from './generationResponse';
import { generationJson, outputItem } from './output';
import type { GenerationRequest } from './requestBody';
import { isCancelled, sleepUntil } from './sleep';

/** A submission is retried only while provably nothing was created; at most this often. */
const MAX_SUBMIT_ATTEMPTS = 6;
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
	deadline: number;
	nextPollAt: number;
	consecutiveFailures: number;
}

export type WaitMode = 'untilFinished' | 'lookUpOnce';

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
	) {}

	static async start(ctx: IExecuteFunctions): Promise<GenerationBatch> {
		const settings = readRunSettings(ctx);
		const transport = await createTransport(ctx);
		// As an AI agent tool the node answers with JSON only.
		const asTool = typeof ctx.isToolExecution === 'function' && ctx.isToolExecution();
		return new GenerationBatch(ctx, transport, settings, ctx.continueOnFail(), settings.downloadVideo && !asTool);
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

	/** Builds one job per input item; invalid items fail here, before anything is sent. */
	async prepare(build: (itemIndex: number) => Promise<Omit<GenerationJob, 'done' | 'deadline' | 'nextPollAt' | 'consecutiveFailures' | 'itemIndex'>>): Promise<void> {
		const count = this.ctx.getInputData().length;
		for (let itemIndex = 0; itemIndex < count; itemIndex++) {
			const job: GenerationJob = { itemIndex, done: false, deadline: Infinity, nextPollAt: 0, consecutiveFailures: 0 };
			this.jobs.push(job);
			try {
				Object.assign(job, await build(itemIndex));
			} catch (error) {
				const failure = asNodeFailure(this.node, error, itemIndex);
				if (!this.continueOnFail) throw failure;
				this.fail(job, failure);
			}
		}
	}

	/** POSTs every prepared job. Stops submitting new ones on the first failure unless continuing on fail. */
	async submitAll(): Promise<void> {
		const pending = this.jobs.filter((job) => !job.done && job.request && !job.generationId);
		await forEachWithConcurrency(pending, this.settings.maxConcurrentRequests, async (job) => await this.submit(job), () => this.halted || isCancelled(this.signal));
		this.throwIfCancelled();
		this.throwIfHalted();
	}

	private async submit(job: GenerationJob): Promise<void> {
		const started = Date.now();
		for (let attempt = 1; ; attempt++) {
			if (isCancelled(this.signal)) return;
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
					return;
				}
				const retryInMs = failure.retryAfterMs ?? backoffMs(attempt);
				if (isSafeToResubmit(failure) && attempt < MAX_SUBMIT_ATTEMPTS && Date.now() + retryInMs < started + this.settings.maxWaitMs) {
					if (!(await sleepUntil(Date.now() + retryInMs, this.signal))) return;
					continue;
				}
				const nothingCreated = isSafeToResubmit(failure) || (failure.status !== undefined && failure.status < 500);
				this.fail(
					job,
					apiError(this.node, failure, {
						itemIndex: job.itemIndex,
						action: 'submitting the generation',
						hint: nothingCreated
							? `No generation was created for this item, so nothing was charged${attempt > 1 ? ` (tried ${attempt} times)` : ''}.`
							: wasNotSent(failure)
								? ''
								: 'The request may have reached AI/ML API and created a generation before the answer was lost. Check the generations in your AI/ML API dashboard before running this item again, so you do not pay twice.',
						secrets: this.transport.secrets,
					}),
				);
				return;
			}
			const response = parseGenerationResponse(raw);
			const generationId = typeof response?.id === 'string' ? response.id.trim() : '';
			if (!response || !generationId) {
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
			job.deadline = now + this.settings.maxWaitMs;
			job.nextPollAt = now + this.settings.pollIntervalMs;
			await this.applyResponse(job, response, 'untilFinished', true);
			return;
		}
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

	/** Polls every open generation until it finishes (or, for a lookup, until one good answer). */
	async waitForAll(mode: WaitMode): Promise<void> {
		for (;;) {
			this.throwIfHalted();
			const open = this.jobs.filter((job) => job.generationId && !job.done);
			if (open.length === 0) return;
			this.throwIfCancelled();
			const now = Date.now();
			for (const job of open) {
				if (now >= job.deadline) this.fail(job, this.timeoutError(job));
			}
			this.throwIfHalted();
			const due = open.filter((job) => !job.done && job.nextPollAt <= now);
			if (due.length > 0) {
				await forEachWithConcurrency(due, this.settings.maxConcurrentRequests, async (job) => await this.poll(job, mode), () => this.halted || isCancelled(this.signal));
				continue;
			}
			const waiting = open.filter((job) => !job.done);
			if (waiting.length === 0) continue;
			const wakeAt = Math.min(...waiting.map((job) => Math.min(job.nextPollAt, job.deadline)));
			await sleepUntil(wakeAt, this.signal);
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
