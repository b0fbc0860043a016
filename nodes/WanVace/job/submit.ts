import { operationError } from '../errors';
import { CLIENT_REQUEST_ID_HEADER } from '../request/clientRequestId';
import { type BinaryBody, binaryBody, openBinaryWith } from '../request/streamBody';
import { type HttpFailure, GENERATIONS_ENDPOINT, apiError, isSafeToResubmit, toHttpFailure } from '../transport';
import { isCancelled } from '../transport/wait';
import { costOfAnswer } from './cost';
import { logSubmission } from './log';
import { parseGenerationResponse } from './response';
import { type GenerationJob, type JobState, type StepContext, type ToSubmit, backoffMs } from './state';

/**
 * How often a submission may be tried. Only failures that prove nothing was created are
 * retried at all (see isSafeToResubmit): a rate limit or an unavailable API often, a
 * refused connection a few times, an unknown host name (likely a typo in the Base URL) twice.
 */
export function submitAttemptsAllowed(failure: HttpFailure): number {
	if (!isSafeToResubmit(failure)) return 1;
	if (failure.status !== undefined) return 12;
	return failure.code === 'ENOTFOUND' ? 2 : 5;
}

/**
 * One POST attempt: ToSubmit → Submitted (the API gave an ID), ToSubmit again (refused in a
 * way that proves nothing was created: retried after a backoff), Failed or Interrupted.
 */
export async function submitGeneration(step: StepContext, job: GenerationJob, state: ToSubmit): Promise<JobState> {
	const attempts = state.attempts + 1;
	const firstAttemptAt = state.firstAttemptAt ?? Date.now();
	const clientRequestId = job.trace?.clientRequestId;
	let raw: unknown;
	let headers: Record<string, string>;
	// Made as the submission starts, read anew by every attempt: binaries stream from their storage.
	const streamed: BinaryBody | undefined = job.request?.binaries.length
		? binaryBody(job.request.body, job.request.binaries, openBinaryWith(step.ctx))
		: undefined;
	try {
		({ body: raw, headers } = await step.transport.requestWithHeaders({
			method: 'POST',
			endpoint: GENERATIONS_ENDPOINT,
			body: streamed ?? job.request?.body,
			...(clientRequestId ? { headers: { [CLIENT_REQUEST_ID_HEADER]: clientRequestId } } : {}),
			timeoutMs: step.settings.requestTimeoutMs,
		}));
	} catch (error) {
		const failure = toHttpFailure(error);
		if (failure.cancelled || isCancelled(step.signal)) return { phase: 'interrupted' };
		if (streamed?.failure) return unreadableBinary(step, job, streamed.failure);
		const retryInMs = failure.retryAfterMs ?? backoffMs(attempts);
		const withinWait = Date.now() + retryInMs < firstAttemptAt + step.settings.maxWaitMs;
		if (attempts < submitAttemptsAllowed(failure) && withinWait) {
			return { phase: 'toSubmit', attempts, firstAttemptAt, retryAt: Date.now() + retryInMs };
		}
		const nothingCreated = isSafeToResubmit(failure) || (failure.status !== undefined && failure.status < 500);
		const tried = attempts > 1 ? ` (tried ${attempts} times)` : '';
		return {
			phase: 'failed',
			uncertain: !nothingCreated,
			error: apiError(step.node, failure, {
				itemIndex: job.itemIndex,
				action: 'submitting the generation',
				hint: nothingCreated
					? `No generation was created for this item, so nothing was charged${tried}.`
					: 'The request may have reached AI/ML API and created a generation before the answer was lost. Check the generations in your AI/ML API dashboard before running this item again, so you do not pay twice.',
				secrets: step.transport.secrets,
			}),
		};
	}
	const response = parseGenerationResponse(raw);
	const generationId = typeof response?.id === 'string' ? response.id.trim() : '';
	if (!response || !generationId) {
		return {
			phase: 'failed',
			uncertain: true,
			error: operationError(step.node, 'AI/ML API accepted the submission but its answer has no generation ID', {
				itemIndex: job.itemIndex,
				description: `A generation may have been created and charged. Check your AI/ML API dashboard before running this item again, so you do not pay twice. The answer was: ${JSON.stringify(raw)?.slice(0, 300) ?? String(raw)}`,
				secrets: step.transport.secrets,
			}),
		};
	}
	job.trace = {
		...job.trace,
		inferenceId: headers['x-inference-id']?.trim() || generationId,
		submitCost: costOfAnswer(headers, response),
	};
	logSubmission(step.ctx, job.itemIndex, generationId, step.transport.secrets, clientRequestId);
	return { phase: 'submitted', generationId, response };
}

/** A binary that failed to read mid-body: the request was cut short, so nothing was created. */
function unreadableBinary(step: StepContext, job: GenerationJob, failure: NonNullable<BinaryBody['failure']>): JobState {
	const { input, reason } = failure;
	return {
		phase: 'failed',
		uncertain: false,
		error: operationError(step.node, `${input.label}: binary property "${input.property}" could not be read while it was being sent`, {
			itemIndex: job.itemIndex,
			description: `${reason}. The request was cut off before its end, so no generation was created and nothing was charged. Make sure the file stays available until the node has run, then run the item again.`,
			secrets: step.transport.secrets,
		}),
	};
}
