import { createHash } from 'node:crypto';
import type { IBinaryData, IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';

import { type NodeFailure, operationError } from '../errors';
import { type GenerationResponse, statusKind } from './generationResponse';
import type { InputReport } from './job';

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
}

/** The part of a batch job the memory reads and restores. */
export interface RememberedJob {
	itemIndex: number;
	request?: { body: IDataObject };
	inputReport?: InputReport;
	generationId?: string;
	response?: GenerationResponse;
	binary?: IBinaryData;
	error?: NodeFailure;
	submissionUncertain?: boolean;
	done: boolean;
	deadline: number;
	nextPollAt: number;
}

/**
 * n8n's Retry On Fail calls execute() again with the very same IExecuteData object (n8n-core
 * WorkflowExecute: the try loop around runNode, and its rerun when the first output item has
 * an `error` under Continue On Fail). That object therefore identifies "this run of this node
 * in this execution": a loop's next run or another execution has its own, and the entries go
 * away with it (WeakMap), so the memory is bounded by the executions in flight.
 */
const earlierTries = new WeakMap<object, Map<number, Remembered>>();

function fingerprint(body: IDataObject): string {
	return createHash('sha256').update(JSON.stringify(body)).digest('hex');
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
		return new RetryMemory(ctx.getNode(), key, items);
	}

	/**
	 * Puts back what an earlier try got for this job, if its request is unchanged: a finished
	 * video (done), or a generation to poll on (reused). When the earlier POST may have created
	 * a generation whose ID never came back, returns that failure to report again instead.
	 */
	restore(job: RememberedJob, settings: { downloadVideo: boolean; maxWaitMs: number }): { reused: boolean; failure?: NodeFailure } {
		const earlier = job.request ? this.items.get(job.itemIndex) : undefined;
		if (!earlier || !job.request || earlier.fingerprint !== fingerprint(job.request.body)) return { reused: false };
		if (earlier.uncertainFailure) {
			job.submissionUncertain = true;
			const failure = operationError(this.node, earlier.uncertainFailure, {
				itemIndex: job.itemIndex,
				description:
					'An earlier try of this node failed this way, after the request may have reached AI/ML API and created a generation. Retry On Fail did not submit it again, so that it is not paid twice: check the generations in your AI/ML API dashboard.',
			});
			return { reused: false, failure };
		}
		const now = Date.now();
		job.generationId = earlier.generationId;
		job.response = earlier.response;
		job.inputReport = earlier.inputReport;
		job.deadline = now + settings.maxWaitMs;
		job.nextPollAt = now;
		const completed = earlier.response !== undefined && statusKind(earlier.response.status) === 'completed';
		if (completed && (!settings.downloadVideo || earlier.binary)) {
			job.binary = settings.downloadVideo ? earlier.binary : undefined;
			job.done = true;
		}
		return { reused: true };
	}

	/** Notes where every job ended, for the next try; forgets all when nothing failed. */
	record(jobs: readonly RememberedJob[]): void {
		if (jobs.every((job) => !job.error)) {
			earlierTries.delete(this.key);
			return;
		}
		for (const job of jobs) {
			if (!job.request) continue;
			const entry = this.entryFor(job);
			if (entry) this.items.set(job.itemIndex, { fingerprint: fingerprint(job.request.body), ...entry });
			else this.items.delete(job.itemIndex);
		}
	}

	private entryFor(job: RememberedJob): Omit<Remembered, 'fingerprint'> | undefined {
		if (job.generationId) {
			if (generationFailed(job.response)) return undefined;
			const byReference = job.binary?.id ? job.binary : undefined;
			return { generationId: job.generationId, response: job.response, binary: byReference, inputReport: job.inputReport };
		}
		if (job.submissionUncertain && job.error) return { uncertainFailure: job.error.message };
		return undefined;
	}
}
