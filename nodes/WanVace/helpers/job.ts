import type { IBinaryData, IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';

import type { RunSettings } from '../descriptions/runOptions';
import type { NodeFailure } from '../errors';
import type { AimlApiTransport } from '../transport';
import type { GenerationResponse } from './generationResponse';
import type { GenerationRequest } from './requestBody';

const MAX_BACKOFF_MS = 30_000;

/** Exponential backoff with jitter: ~1 s, 2 s, 4 s ... up to 30 s. */
export function backoffMs(failures: number): number {
	const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, failures - 1));
	return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** What the input checks found for one item: its output's `inputs` and `inputWarnings`. */
export interface InputReport {
	inputs: IDataObject;
	warnings: string[];
}

/** One input item on its way through submit, polling and download. */
export interface GenerationJob {
	itemIndex: number;
	request?: GenerationRequest;
	inputReport?: InputReport;
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

/** What a step of a job (submit, poll, download) needs from the batch that runs it. */
export interface JobRunner {
	readonly ctx: IExecuteFunctions;
	readonly node: INode;
	readonly transport: AimlApiTransport;
	readonly settings: RunSettings;
	/** Download the finished video as binary (off as an AI agent tool). */
	readonly downloadVideo: boolean;
	readonly signal: AbortSignal | undefined;
	/** Ends the job with an error; without Continue On Fail the first one stops the batch. */
	fail(job: GenerationJob, error: NodeFailure): void;
}
