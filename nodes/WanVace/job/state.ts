import type { IBinaryData, IExecuteFunctions, INode } from 'n8n-workflow';

import type { RunSettings } from '../descriptions/runOptions';
import type { NodeFailure } from '../errors';
import type { InputReport } from '../inputs/checks';
import type { GenerationRequest } from '../request/body';
import type { JobTrace } from './cost';
import type { AimlApiTransport } from '../transport';
import type { GenerationResponse } from './response';
import type { DownloadTarget } from './videoFile';

/** Not built yet (the batch stopped or was cancelled before this item's turn). */
export interface New {
	phase: 'new';
}

/** Built and checked; POSTed at `retryAt` (now, or after a refused attempt's backoff). */
export interface ToSubmit {
	phase: 'toSubmit';
	attempts: number;
	firstAttemptAt?: number;
	retryAt: number;
}

/** The POST answered with a generation ID; its first status is not applied yet. */
export interface Submitted {
	phase: 'submitted';
	generationId: string;
	response: GenerationResponse;
}

/** Waiting for the generation: the next status check is due at `nextPollAt`. */
export interface Polling {
	phase: 'polling';
	generationId: string;
	response?: GenerationResponse;
	deadline: number;
	nextPollAt: number;
	/** Failed status checks in a row. */
	failures: number;
}

/** Completed: its video is fetched into n8n's binary storage (attempt `attempts + 1` at `retryAt`). */
export interface Downloading {
	phase: 'downloading';
	generationId: string;
	response: GenerationResponse;
	target: DownloadTarget;
	attempts: number;
	retryAt: number;
	lastProblem?: string;
}

export interface Done {
	phase: 'done';
	generationId: string;
	response?: GenerationResponse;
	binary?: IBinaryData;
}

export interface Failed {
	phase: 'failed';
	error: NodeFailure;
	generationId?: string;
	response?: GenerationResponse;
	/** The POST failed in a way that may have created a generation whose ID never came back. */
	uncertain?: boolean;
}

/** The execution was cancelled while the POST was in flight: it may have created a generation. */
export interface Interrupted {
	phase: 'interrupted';
}

export type JobState = New | ToSubmit | Submitted | Polling | Downloading | Done | Failed | Interrupted;

/** One input item on its way through submit, polling and download. */
export interface GenerationJob {
	readonly itemIndex: number;
	request?: GenerationRequest;
	inputReport?: InputReport;
	/** Client request id, inference id, cost and estimate. */
	trace?: JobTrace;
	state: JobState;
}

export type WaitMode = 'untilFinished' | 'lookUpOnce';
/** submitOnly: stop at the generation ID (Submit operation). */
export type RunMode = WaitMode | 'submitOnly';

/** What a step (submit, poll, download) needs: the node's context, the API and the settings. */
export interface StepContext {
	readonly ctx: IExecuteFunctions;
	readonly node: INode;
	readonly transport: AimlApiTransport;
	readonly settings: RunSettings;
	/** Download the finished video as binary (off as an AI agent tool). */
	readonly downloadVideo: boolean;
	readonly signal: AbortSignal | undefined;
}

/** A state that still needs a request. */
export type OpenState = ToSubmit | Polling | Downloading;

export function isOpen(state: JobState): state is OpenState {
	return state.phase === 'toSubmit' || state.phase === 'polling' || state.phase === 'downloading';
}

/** When an open job's next request is due (epoch ms). */
export function dueAt(state: OpenState): number {
	return state.phase === 'polling' ? state.nextPollAt : state.retryAt;
}

/** The generation ID, once the API has given one. */
export function generationIdOf(state: JobState): string | undefined {
	return 'generationId' in state ? state.generationId : undefined;
}

export function responseOf(state: JobState): GenerationResponse | undefined {
	return 'response' in state ? state.response : undefined;
}

const MAX_BACKOFF_MS = 30_000;

/** Exponential backoff with jitter: ~1 s, 2 s, 4 s ... up to 30 s. */
export function backoffMs(failures: number, random: () => number = Math.random): number {
	const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, failures - 1));
	return Math.round(base * (0.8 + random() * 0.4));
}
