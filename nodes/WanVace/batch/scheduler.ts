import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { type RunSettings, readRunSettings } from '../descriptions/runOptions';
import { type NodeFailure, asNodeFailure, generationHint, operationError } from '../errors';
import { logReuse } from '../job/log';
import { jobOutputItem } from '../job/output';
import { type GenerationJob, type JobState, type RunMode, type StepContext, dueAt, generationIdOf, isOpen, responseOf } from '../job/state';
import { runStep } from '../job/step';
import { type AimlApiTransport, createTransport } from '../transport';
import { SLEEP_SLICE_MS, isCancelled } from '../transport/wait';
import { applyEstimates, clientRequestIdOf, decideCaps, runExecutionId, spentBy } from './budget';
import { cataloguePrice } from './catalogue';
import { Limiter } from './limiter';
import { RetryMemory } from './retryMemory';
import { runsAsTool } from './toolRun';

export type { RunMode, WaitMode } from '../job/state';

/** What an item starts as: a request to submit, or an existing generation to look up (Get). */
export type JobStart = { request: NonNullable<GenerationJob['request']> } | { generationId: string };

/**
 * Runs many generations together: every item is submitted first, then all open generations
 * are polled on one schedule, so N items take about as long as the slowest, not the sum.
 * The scheduler only decides what runs when; the job's steps decide what comes next.
 * Nothing submitted is dropped: each generation ID ends up in an output item or in the
 * error that stops the node.
 */
export class GenerationBatch implements StepContext {
	readonly jobs: GenerationJob[] = [];
	readonly limiter: Limiter;

	private firstFailure?: GenerationJob;
	/** Items a cap refused: failed, but the admitted ones still run; reported after them. */
	private readonly capRefused: GenerationJob[] = [];
	/** Items this try may submit (admitted by the caps). */
	private readonly admitted = new Set<GenerationJob>();
	/** The execution id, or a unique stand-in for a run without one (client request ids). */
	readonly executionId: string;

	private constructor(
		readonly ctx: IExecuteFunctions,
		readonly transport: AimlApiTransport,
		readonly settings: RunSettings,
		private readonly continueOnFail: boolean,
		readonly downloadVideo: boolean,
		private readonly retryMemory: RetryMemory | undefined,
	) {
		this.limiter = new Limiter(settings.maxConcurrentRequests);
		this.executionId = runExecutionId(ctx);
	}

	static async start(ctx: IExecuteFunctions): Promise<GenerationBatch> {
		const settings = readRunSettings(ctx);
		const transport = await createTransport(ctx);
		// As an AI agent tool the node answers with JSON only.
		const downloadVideo = settings.downloadVideo && !runsAsTool(ctx);
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

	private setState(job: GenerationJob, state: JobState): void {
		job.state = state;
		if (state.phase === 'failed') this.firstFailure ??= job;
	}

	/**
	 * Builds one job per input item, restores what an earlier try (Retry On Fail) got for it,
	 * and checks the inputs of the items still to be submitted (their fetches share the
	 * batch's limiter). Invalid items fail here, before anything is sent; without Continue
	 * On Fail the lowest failing item stops the node.
	 */
	async prepare(build: (itemIndex: number) => Promise<JobStart>, checkInputs?: (job: GenerationJob) => Promise<void>): Promise<void> {
		const count = this.ctx.getInputData().length;
		for (let itemIndex = 0; itemIndex < count; itemIndex++) this.jobs.push({ itemIndex, state: { phase: 'new' } });
		const refused = new Set<GenerationJob>();
		await Promise.all(
			this.jobs.map(async (job) => {
				if (this.halted || isCancelled(this.signal)) return;
				try {
					const state = this.initialState(job, await build(job.itemIndex));
					if (checkInputs && state.phase === 'toSubmit' && !this.halted) await checkInputs(job);
					this.setState(job, state);
				} catch (error) {
					this.setState(job, { phase: 'failed', error: asNodeFailure(this.node, error, job.itemIndex) });
					refused.add(job);
				}
			}),
		);
		const firstRefused = this.jobs.find((job) => refused.has(job));
		if (firstRefused && !this.continueOnFail) {
			// The lowest refused item stops the node, listing any generation an earlier try left.
			this.firstFailure = firstRefused;
			this.throwIfHalted();
		}
	}

	private initialState(job: GenerationJob, start: JobStart): JobState {
		const now = Date.now();
		if ('generationId' in start) {
			return { phase: 'polling', generationId: start.generationId, deadline: now + this.settings.maxWaitMs, nextPollAt: now, failures: 0 };
		}
		job.request = start.request;
		const restored = this.retryMemory?.restore(job, { downloadVideo: this.downloadVideo, maxWaitMs: this.settings.maxWaitMs });
		const reusedId = restored && generationIdOf(restored);
		if (reusedId) logReuse(this.ctx, job.itemIndex, reusedId, this.transport.secrets);
		if (restored) return restored;
		job.trace = { ...job.trace, clientRequestId: clientRequestIdOf(this.ctx, this.executionId, job.itemIndex, this.retryMemory?.attempt ?? 1) };
		return { phase: 'toSubmit', attempts: 0, retryAt: now };
	}

	/** Estimates every item from the catalogue price (read only when something may be paid), then applies the caps. */
	async priceAndCap(): Promise<void> {
		const toSubmit = this.jobs.filter((job) => job.state.phase === 'toSubmit');
		if (toSubmit.length === 0) return;
		applyEstimates(this.jobs, await cataloguePrice(this.transport, this.executionId, this.settings.requestTimeoutMs));
		if (this.settings.estimateOnly) return;
		const refusals = decideCaps(this.node, toSubmit, this.settings, this.retryMemory?.spent ?? { generations: 0, usd: 0 });
		for (const job of toSubmit) {
			const error = refusals.get(job);
			if (!error) this.admitted.add(job);
			else this.capRefused.push(Object.assign(job, { state: { phase: 'failed', error } as const }));
		}
	}

	/** Runs every job to its end (see drive), then notes where each ended for a Retry On Fail. */
	async run(mode: RunMode): Promise<void> {
		try {
			await this.drive(mode);
			// A cap's refusals stop the node only once the admitted items are done (and paid for).
			if (this.capRefused.length > 0 && !this.continueOnFail) {
				this.firstFailure ??= this.capRefused[0];
				this.throwIfHalted();
			}
		} finally {
			const spent = spentBy([...this.admitted]);
			this.retryMemory?.addSpent(spent.generations, spent.usd);
			this.retryMemory?.record(this.jobs);
		}
	}

	/**
	 * Starts each open job's next request when it is due and a slot of the limiter is free; a
	 * job waiting out a backoff or Retry-After holds no slot. On a stopping failure (no
	 * Continue On Fail) or a cancel, requests in flight are awaited first, so any generation
	 * they create is known and reported.
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
			for (const job of this.jobs) {
				const { state } = job;
				if (state.phase === 'polling' && !inFlight.has(job) && now >= state.deadline) {
					this.setState(job, { phase: 'failed', generationId: state.generationId, response: state.response, error: this.timeoutError(job) });
				}
			}
			if (this.halted) continue;
			const waiting = this.jobs.filter((job) => isOpen(job.state) && !inFlight.has(job));
			if (waiting.length === 0 && inFlight.size === 0) return;
			const due = waiting.filter((job) => this.dueOf(job) <= now).sort((a, b) => this.dueOf(a) - this.dueOf(b));
			for (const job of due.slice(0, this.limiter.free)) inFlight.set(job, this.advance(job, mode).finally(() => inFlight.delete(job)));
			// With every slot taken, only a finishing request frees the next one.
			const notStarted = this.limiter.free === 0 ? [] : waiting.filter((job) => !inFlight.has(job));
			await this.pause(Math.min(...notStarted.map((job) => this.dueOf(job))), [...inFlight.values()]);
		}
	}

	/** When the job's next request is due; a polling job also wakes at its deadline. */
	private dueOf(job: GenerationJob): number {
		const { state } = job;
		if (!isOpen(state)) return Infinity;
		return state.phase === 'polling' ? Math.min(state.nextPollAt, state.deadline) : dueAt(state);
	}

	private async advance(job: GenerationJob, mode: RunMode): Promise<void> {
		const state = job.state;
		if (!isOpen(state)) return;
		try {
			this.setState(job, await this.limiter.run(async () => await runStep(this, job, state, mode)));
		} catch (error) {
			this.setState(job, { phase: 'failed', generationId: generationIdOf(state), response: responseOf(state), error: this.unexpectedError(job, error) });
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

	/** A bug or an unforeseen answer: still reported with the generation ID, never dropped. */
	private unexpectedError(job: GenerationJob, error: unknown): NodeFailure {
		const message = error instanceof Error ? error.message : String(error);
		const generationId = generationIdOf(job.state);
		return operationError(this.node, `Unexpected failure while handling item ${job.itemIndex}: ${message}`, {
			itemIndex: job.itemIndex,
			description: generationId ? generationHint(generationId) : undefined,
			secrets: this.transport.secrets,
		});
	}

	private timeoutError(job: GenerationJob): NodeFailure {
		const minutes = Math.round((this.settings.maxWaitMs / 60_000) * 100) / 100;
		const generationId = generationIdOf(job.state);
		const status = responseOf(job.state)?.status;
		return operationError(this.node, `Generation ${generationId} did not finish within ${minutes} min${status ? ` (last status: ${status})` : ''}`, {
			itemIndex: job.itemIndex,
			description: `It keeps running at AI/ML API. ${generationHint(generationId)} Or raise "Max Wait" in Run Options.`,
			secrets: this.transport.secrets,
		});
	}

	/** Every generation except `except`, with its status: listed in a stopping error. */
	private otherGenerations(except?: GenerationJob): string {
		const lines = this.jobs.flatMap((job) => {
			if (job === except) return [];
			const generationId = generationIdOf(job.state);
			if (generationId) {
				const status = job.state.phase === 'failed' ? 'failed' : (responseOf(job.state)?.status ?? 'submitted');
				return [`item ${job.itemIndex}: ${generationId} (${status})`];
			}
			if (job.state.phase === 'interrupted') return [`item ${job.itemIndex}: a submission was interrupted and may have created a generation (check your dashboard)`];
			return [];
		});
		return lines.length ? ` Generations of this run, not lost; fetch them with the Get operation: ${lines.join('; ')}.` : '';
	}

	private throwIfHalted(): void {
		const state = this.firstFailure?.state;
		if (!this.halted || state?.phase !== 'failed') return;
		const others = this.otherGenerations(this.firstFailure);
		if (others) state.error.description = `${state.error.description ?? ''}${others}`.trim();
		throw state.error;
	}

	private throwIfCancelled(): void {
		if (!isCancelled(this.signal)) return;
		const open = this.jobs.filter((job) => generationIdOf(job.state) && isOpen(job.state));
		throw operationError(this.node, `The execution was cancelled while ${open.length} generation(s) were still running`, {
			itemIndex: (open[0] ?? this.jobs[0])?.itemIndex ?? 0,
			description: `They keep running at AI/ML API.${this.otherGenerations()}`,
			secrets: this.transport.secrets,
		});
	}

	/** One output item per input item, in input order. */
	outputItems(): INodeExecutionData[] {
		return this.jobs.map((job) => jobOutputItem(job, this.settings.binaryPropertyName));
	}
}
