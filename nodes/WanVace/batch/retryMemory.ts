import type { IBinaryData, IExecuteFunctions, INode } from 'n8n-workflow';

import { operationError } from '../errors';
import type { InputReport } from '../inputs/checks';
import { type GenerationResponse, statusKind } from '../job/response';
import type { JobTrace } from '../job/cost';
import { requestFingerprint } from '../request/streamBody';
import { type GenerationJob, type JobState, generationIdOf, responseOf } from '../job/state';

/** What one item got in an earlier try of the same node run. */
interface Remembered {
	/** SHA-256 of the request body: a changed request is a new generation. */
	fingerprint: string;
	generationId?: string;
	response?: GenerationResponse;
	/** Only a binary stored by reference (filesystem, database, S3), never inline data. */
	binary?: IBinaryData;
	/** The POST failed in a way that may have created a generation whose ID never came back. */
	uncertainFailure?: string;
	/** What the input checks found in that try: a restored job is not checked again. */
	inputReport?: InputReport;
	/** Its client request id, inference id, cost and estimate. */
	trace?: JobTrace;
}

/**
 * n8n's Retry On Fail calls execute() again with the very same IExecuteData object (n8n-core
 * WorkflowExecute: the try loop around runNode, and its rerun when the first output item has
 * an `error` under Continue On Fail). That object therefore identifies "this run of this node
 * in this execution": a loop's next run or another execution has its own, and the entries go
 * away with it (WeakMap), so the memory is bounded by the executions in flight.
 */
const earlierTries = new WeakMap<object, Map<number, Remembered>>();
/** How many tries of this node run have started (Retry On Fail), by the same key. */
const triesStarted = new WeakMap<object, number>();
/** What the tries of this node run submitted so far (for Max Generations / Max Cost per Run). */
const spentSoFar = new WeakMap<object, { generations: number; usd: number }>();

function fingerprint(request: NonNullable<GenerationJob['request']>): string {
	return requestFingerprint(request.body, request.binaries);
}

/** A generation that ended without a usable video: retrying means submitting anew. */
function generationFailed(response: GenerationResponse | undefined): boolean {
	if (!response) return false;
	const kind = statusKind(response.status);
	return kind === 'failed' || (kind === 'completed' && !response.video?.url);
}

export class RetryMemory {
	private constructor(
		private readonly node: INode,
		private readonly key: object,
		private readonly items: Map<number, Remembered>,
		/** This try's number, from 1. */
		readonly attempt: number,
	) {}

	/** The memory of this node run; undefined when n8n will not retry it (Retry On Fail off). */
	static of(ctx: IExecuteFunctions): RetryMemory | undefined {
		if (ctx.getNode().retryOnFail !== true || typeof ctx.getExecuteData !== 'function') return undefined;
		const key: unknown = ctx.getExecuteData();
		if (typeof key !== 'object' || key === null) return undefined;
		let items = earlierTries.get(key);
		if (!items) {
			items = new Map();
			earlierTries.set(key, items);
		}
		const attempt = (triesStarted.get(key) ?? 0) + 1;
		triesStarted.set(key, attempt);
		return new RetryMemory(ctx.getNode(), key, items, attempt);
	}

	/**
	 * What an earlier try got for this job, if its request is unchanged: a finished video
	 * (Done), or a generation to poll on (Polling). When the earlier POST may have created a
	 * generation whose ID never came back, that failure again (Failed). Undefined: submit anew.
	 */
	restore(job: GenerationJob, settings: { downloadVideo: boolean; maxWaitMs: number }): JobState | undefined {
		const earlier = job.request ? this.items.get(job.itemIndex) : undefined;
		if (!earlier || !job.request || earlier.fingerprint !== fingerprint(job.request)) return undefined;
		if (earlier.uncertainFailure) {
			const error = operationError(this.node, earlier.uncertainFailure, {
				itemIndex: job.itemIndex,
				description:
					'An earlier try of this node failed this way, after the request may have reached AI/ML API and created a generation. Retry On Fail did not submit it again, so that it is not paid twice: check the generations in your AI/ML API dashboard.',
			});
			return { phase: 'failed', error, uncertain: true };
		}
		if (!earlier.generationId) return undefined;
		job.inputReport = earlier.inputReport;
		job.trace = earlier.trace;
		const { generationId, response } = earlier;
		const completed = response !== undefined && statusKind(response.status) === 'completed';
		if (completed && (!settings.downloadVideo || earlier.binary)) {
			return { phase: 'done', generationId, response, binary: settings.downloadVideo ? earlier.binary : undefined };
		}
		const now = Date.now();
		return { phase: 'polling', generationId, response, deadline: now + settings.maxWaitMs, nextPollAt: now, failures: 0 };
	}

	/** Generations (and their estimated USD) submitted by earlier tries of this node run. */
	get spent(): { generations: number; usd: number } {
		return { ...(spentSoFar.get(this.key) ?? { generations: 0, usd: 0 }) };
	}

	addSpent(generations: number, usd: number): void {
		const now = this.spent;
		spentSoFar.set(this.key, { generations: now.generations + generations, usd: now.usd + usd });
	}

	/** Notes where every job ended, for the next try; forgets all when nothing failed. */
	record(jobs: readonly GenerationJob[]): void {
		if (jobs.every((job) => job.state.phase !== 'failed')) {
			earlierTries.delete(this.key);
			return;
		}
		for (const job of jobs) {
			if (!job.request) continue;
			const entry = this.entryFor(job);
			if (entry) this.items.set(job.itemIndex, { fingerprint: fingerprint(job.request), ...entry });
			else this.items.delete(job.itemIndex);
		}
	}

	private entryFor(job: GenerationJob): Omit<Remembered, 'fingerprint'> | undefined {
		const { state } = job;
		const generationId = generationIdOf(state);
		if (generationId) {
			const response = responseOf(state);
			if (generationFailed(response)) return undefined;
			const byReference = state.phase === 'done' && state.binary?.id ? state.binary : undefined;
			return { generationId, response, binary: byReference, inputReport: job.inputReport, trace: job.trace };
		}
		if (state.phase === 'failed' && state.uncertain) return { uncertainFailure: state.error.message };
		return undefined;
	}
}
