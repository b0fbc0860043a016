import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import type { RunSettings } from '../descriptions/runOptions';
import { readRunSettings } from '../descriptions/runOptions';
import { type NodeFailure, asNodeFailure, errorItemJson, generationHint, operationError } from '../errors';
import { type AimlApiTransport, createTransport } from '../transport';
import { logReuse } from './generationLog';
import type { GenerationJob, JobRunner, RunMode } from './job';
import { generationJson, outputItem } from './output';
import { pollGeneration } from './pollStep';
import { RetryMemory } from './retryMemory';
import { SLEEP_SLICE_MS, isCancelled } from './sleep';
import { submitGeneration } from './submitStep';
import { runsAsTool } from './toolRun';
import { sleep } from 'n8n-workflow';

export type { RunMode, WaitMode } from './job';

/**
 * Runs many generations together: every item is submitted first (bounded concurrency),
 * then all open generations are polled on one schedule, so N items take about as long as
 * the slowest, not the sum. Nothing submitted is dropped: each generation ID ends up in an
 * output item or in the error that stops the node.
 */
export class GenerationBatch implements JobRunner {
	readonly jobs: GenerationJob[] = [];

	private firstFailure?: GenerationJob;

	private constructor(
		readonly ctx: IExecuteFunctions,
		readonly transport: AimlApiTransport,
		readonly settings: RunSettings,
		private readonly continueOnFail: boolean,
		readonly downloadVideo: boolean,
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

	get node(): INode {
		return this.ctx.getNode();
	}

	get signal(): AbortSignal | undefined {
		return this.ctx.getExecutionCancelSignal();
	}

	private get halted(): boolean {
		return this.firstFailure !== undefined && !this.continueOnFail;
	}

	fail(job: GenerationJob, error: NodeFailure): void {
		job.error = error;
		job.done = true;
		this.firstFailure ??= job;
	}

	/**
	 * Builds one job per input item, then checks its inputs unless an earlier try (Retry On
	 * Fail) already took it past its submission; up to Max Concurrent Requests at once (a
	 * check fetches). Invalid items fail here, before anything is sent; without Continue On
	 * Fail the lowest failing item stops the node.
	 */
	async prepare(
		build: (itemIndex: number) => Promise<Omit<GenerationJob, 'done' | 'deadline' | 'nextPollAt' | 'consecutiveFailures' | 'itemIndex'>>,
		checkInputs?: (job: GenerationJob) => Promise<void>,
	): Promise<void> {
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
					if (checkInputs && !job.done && !job.generationId) await checkInputs(job);
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
				const step = (job.generationId ? pollGeneration(this, job, mode === 'submitOnly' ? 'lookUpOnce' : mode) : submitGeneration(this, job, mode))
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

	/** Sets up jobs that look up existing generation IDs (Get operation). */
	trackExisting(): void {
		const now = Date.now();
		for (const job of this.jobs) {
			if (job.done || !job.generationId) continue;
			job.deadline = now + this.settings.maxWaitMs;
			job.nextPollAt = now;
		}
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
			if (job.inputReport) json.inputs = job.inputReport.inputs;
			if (job.inputReport?.warnings.length) json.inputWarnings = job.inputReport.warnings;
			return outputItem(
				job.itemIndex,
				json,
				job.binary ? { propertyName: this.settings.binaryPropertyName, data: job.binary } : undefined,
			);
		});
	}
}
