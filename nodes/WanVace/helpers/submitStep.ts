import { operationError } from '../errors';
import { type HttpFailure, GENERATIONS_ENDPOINT, apiError, isSafeToResubmit, toHttpFailure } from '../transport';
import { parseGenerationResponse, statusKind } from './generationResponse';
import { logSubmission } from './generationLog';
import { type GenerationJob, type JobRunner, type RunMode, backoffMs } from './job';
import { applyGenerationStatus } from './pollStep';
import { isCancelled } from './sleep';

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

/** One POST attempt. A refused or rate-limited attempt is rescheduled, never repeated blindly. */
export async function submitGeneration(runner: JobRunner, job: GenerationJob, mode: RunMode): Promise<void> {
	job.submitAttempts = (job.submitAttempts ?? 0) + 1;
	job.firstSubmitAt ??= Date.now();
	let raw: unknown;
	try {
		raw = await runner.transport.request({
			method: 'POST',
			endpoint: GENERATIONS_ENDPOINT,
			body: job.request?.body,
			timeoutMs: runner.settings.requestTimeoutMs,
		});
	} catch (error) {
		const failure = toHttpFailure(error);
		if (failure.cancelled || isCancelled(runner.signal)) {
			job.submissionInterrupted = true;
			job.done = true;
			return;
		}
		const retryInMs = failure.retryAfterMs ?? backoffMs(job.submitAttempts);
		const withinWait = Date.now() + retryInMs < job.firstSubmitAt + runner.settings.maxWaitMs;
		if (job.submitAttempts < submitAttemptsAllowed(failure) && withinWait) {
			job.nextPollAt = Date.now() + retryInMs;
			return;
		}
		const nothingCreated = isSafeToResubmit(failure) || (failure.status !== undefined && failure.status < 500);
		job.submissionUncertain = !nothingCreated;
		const attempts = job.submitAttempts > 1 ? ` (tried ${job.submitAttempts} times)` : '';
		runner.fail(
			job,
			apiError(runner.node, failure, {
				itemIndex: job.itemIndex,
				action: 'submitting the generation',
				hint: nothingCreated
					? `No generation was created for this item, so nothing was charged${attempts}.`
					: 'The request may have reached AI/ML API and created a generation before the answer was lost. Check the generations in your AI/ML API dashboard before running this item again, so you do not pay twice.',
				secrets: runner.transport.secrets,
			}),
		);
		return;
	}
	const response = parseGenerationResponse(raw);
	const generationId = typeof response?.id === 'string' ? response.id.trim() : '';
	if (!response || !generationId) {
		job.submissionUncertain = true;
		runner.fail(
			job,
			operationError(runner.node, 'AI/ML API accepted the submission but its answer has no generation ID', {
				itemIndex: job.itemIndex,
				description: `A generation may have been created and charged. Check your AI/ML API dashboard before running this item again, so you do not pay twice. The answer was: ${JSON.stringify(raw)?.slice(0, 300) ?? String(raw)}`,
				secrets: runner.transport.secrets,
			}),
		);
		return;
	}
	const now = Date.now();
	job.generationId = generationId;
	logSubmission(runner.ctx, job.itemIndex, generationId, runner.transport.secrets);
	job.deadline = now + runner.settings.maxWaitMs;
	job.nextPollAt = now + runner.settings.pollIntervalMs;
	if (mode === 'submitOnly') {
		job.response = response;
		if (statusKind(response.status) !== 'failed') {
			job.done = true;
			return;
		}
	}
	await applyGenerationStatus(runner, job, response, 'untilFinished', true);
}

