import { generationHint, operationError } from '../errors';
import { GENERATIONS_ENDPOINT, apiError, isTransient, summarizeFailure, toHttpFailure } from '../transport';
import { isCancelled } from '../transport/wait';
import { costOfAnswer } from './cost';
import { type GenerationResponse, failureReason, parseGenerationResponse, statusKind } from './response';
import { type GenerationJob, type JobState, type Polling, type RunMode, type StepContext, type Submitted, backoffMs } from './state';
import { downloadTarget } from './videoFile';

/** Consecutive failed status checks of one generation before it is reported as an error. */
export const MAX_CONSECUTIVE_POLL_FAILURES = 10;

/** One status check: Polling → Polling, Downloading, Done or Failed. A failed check is retried with backoff. */
export async function pollGeneration(step: StepContext, job: GenerationJob, state: Polling, mode: RunMode): Promise<JobState> {
	const { generationId } = state;
	let raw: unknown;
	let headers: Record<string, string>;
	try {
		({ body: raw, headers } = await step.transport.requestWithHeaders({
			method: 'GET',
			endpoint: GENERATIONS_ENDPOINT,
			qs: { generation_id: generationId },
			timeoutMs: step.settings.requestTimeoutMs,
		}));
	} catch (error) {
		const failure = toHttpFailure(error);
		if (failure.cancelled || isCancelled(step.signal)) return state;
		if (isTransient(failure)) return retryLater(step, job, state, summarizeFailure(failure), failure.retryAfterMs);
		return {
			phase: 'failed',
			generationId,
			response: state.response,
			error: apiError(step.node, failure, {
				itemIndex: job.itemIndex,
				action: `checking generation ${generationId}`,
				generationId,
				secrets: step.transport.secrets,
			}),
		};
	}
	const response = parseGenerationResponse(raw);
	if (!response) return retryLater(step, job, state, 'the API answered with a body that is not a generation status', undefined);
	noteTrace(job, headers, response);
	return applyStatus(step, job, { ...state, failures: 0 }, response, mode === 'submitOnly' ? 'lookUpOnce' : mode);
}

/** The inference id, and the final cost once the generation has completed (the charge is recorded then). */
function noteTrace(job: GenerationJob, headers: Record<string, string>, response: GenerationResponse): void {
	const inferenceId = headers['x-inference-id']?.trim();
	const completed = statusKind(response.status) === 'completed';
	const finalCost = completed ? costOfAnswer(headers, response) : undefined;
	if (!inferenceId && !finalCost) return;
	job.trace = { ...job.trace, ...(inferenceId ? { inferenceId } : {}), ...(finalCost ? { finalCost } : {}) };
}

function retryLater(step: StepContext, job: GenerationJob, state: Polling, problem: string, retryAfterMs: number | undefined): JobState {
	const failures = state.failures + 1;
	if (failures >= MAX_CONSECUTIVE_POLL_FAILURES) {
		return {
			phase: 'failed',
			generationId: state.generationId,
			response: state.response,
			error: operationError(step.node, `Checking generation ${state.generationId} failed ${failures} times in a row (last: ${problem})`, {
				itemIndex: job.itemIndex,
				description: `The generation may still finish at AI/ML API. ${generationHint(state.generationId)}`,
				secrets: step.transport.secrets,
			}),
		};
	}
	return { ...state, failures, nextPollAt: Date.now() + (retryAfterMs ?? backoffMs(failures)) };
}

/** Submitted → the phase its first answer leads to. Submit-only runs stop at the ID unless it already failed. */
export function afterSubmission(step: StepContext, job: GenerationJob, submitted: Submitted, mode: RunMode): JobState {
	const now = Date.now();
	const polling: Polling = {
		phase: 'polling',
		generationId: submitted.generationId,
		response: submitted.response,
		deadline: now + step.settings.maxWaitMs,
		nextPollAt: now + step.settings.pollIntervalMs,
		failures: 0,
	};
	if (mode === 'submitOnly' && statusKind(submitted.response.status) !== 'failed') {
		return { phase: 'done', generationId: submitted.generationId, response: submitted.response };
	}
	return applyStatus(step, job, polling, submitted.response, 'untilFinished');
}

/** What a status means: poll again, stop (look up once), fail, or fetch the video. */
export function applyStatus(step: StepContext, job: GenerationJob, state: Polling, answer: GenerationResponse, mode: 'untilFinished' | 'lookUpOnce'): JobState {
	const { generationId } = state;
	const response = answer;
	const kind = statusKind(answer.status);
	if (kind === 'running') {
		if (mode === 'lookUpOnce') return { phase: 'done', generationId, response };
		return { ...state, response, nextPollAt: Date.now() + step.settings.pollIntervalMs };
	}
	const secrets = step.transport.secrets;
	if (kind === 'failed') {
		const reason = failureReason(answer);
		return {
			phase: 'failed',
			generationId,
			response,
			error: operationError(step.node, `Generation ${generationId} failed: ${reason ?? `AI/ML API reported status "${answer.status}" without a reason`}`, {
				itemIndex: job.itemIndex,
				description: `AI/ML API reported status "${answer.status}". Adjust the prompt or inputs and run the item again. Generation ID: ${generationId}.`,
				secrets,
			}),
		};
	}
	const target = downloadTarget(response, generationId);
	if (!target) {
		const reason = failureReason(answer);
		return {
			phase: 'failed',
			generationId,
			response,
			error: operationError(step.node, `Generation ${generationId} completed without a video${reason ? `: ${reason}` : ''}`, {
				itemIndex: job.itemIndex,
				description: `AI/ML API reported the generation as completed but returned no video URL${reason ? '' : ' and no reason'}. Adjust the prompt or inputs (the safety checker may have blocked the output). Generation ID: ${generationId}.`,
				secrets,
			}),
		};
	}
	if (!step.downloadVideo) return { phase: 'done', generationId, response };
	return { phase: 'downloading', generationId, response, target, attempts: 0, retryAt: Date.now() };
}
