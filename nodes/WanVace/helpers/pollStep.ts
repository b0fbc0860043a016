import { generationHint, operationError } from '../errors';
import { GENERATIONS_ENDPOINT, apiError, isTransient, summarizeFailure, toHttpFailure } from '../transport';
import { downloadTarget } from './binary';
import { downloadGenerationVideo } from './downloadStep';
import { type GenerationResponse, failureReason, parseGenerationResponse, statusKind } from './generationResponse';
import { type GenerationJob, type JobRunner, type WaitMode, backoffMs } from './job';
import { isCancelled } from './sleep';

/** Consecutive failed status checks of one generation before it is reported as an error. */
const MAX_CONSECUTIVE_POLL_FAILURES = 10;

/** One status check; a failed check is retried with backoff, up to MAX_CONSECUTIVE_POLL_FAILURES in a row. */
export async function pollGeneration(runner: JobRunner, job: GenerationJob, mode: WaitMode): Promise<void> {
	const generationId = job.generationId as string;
	let raw: unknown;
	try {
		raw = await runner.transport.request({
			method: 'GET',
			endpoint: GENERATIONS_ENDPOINT,
			qs: { generation_id: generationId },
			timeoutMs: runner.settings.requestTimeoutMs,
		});
	} catch (error) {
		const failure = toHttpFailure(error);
		if (failure.cancelled || isCancelled(runner.signal)) return;
		if (isTransient(failure)) {
			retryLater(runner, job, summarizeFailure(failure), failure.retryAfterMs);
			return;
		}
		runner.fail(
			job,
			apiError(runner.node, failure, {
				itemIndex: job.itemIndex,
				action: `checking generation ${generationId}`,
				generationId,
				secrets: runner.transport.secrets,
			}),
		);
		return;
	}
	const response = parseGenerationResponse(raw);
	if (!response) {
		retryLater(runner, job, 'the API answered with a body that is not a generation status', undefined);
		return;
	}
	job.consecutiveFailures = 0;
	await applyGenerationStatus(runner, job, response, mode, false);
}

function retryLater(runner: JobRunner, job: GenerationJob, problem: string, retryAfterMs: number | undefined): void {
	job.consecutiveFailures++;
	if (job.consecutiveFailures >= MAX_CONSECUTIVE_POLL_FAILURES) {
		runner.fail(
			job,
			operationError(runner.node, `Checking generation ${job.generationId} failed ${job.consecutiveFailures} times in a row (last: ${problem})`, {
				itemIndex: job.itemIndex,
				description: `The generation may still finish at AI/ML API. ${generationHint(job.generationId)}`,
				secrets: runner.transport.secrets,
			}),
		);
		return;
	}
	job.nextPollAt = Date.now() + (retryAfterMs ?? backoffMs(job.consecutiveFailures));
}

/** What a status means for the job: poll again, fail, or fetch the video. */
export async function applyGenerationStatus(runner: JobRunner, job: GenerationJob, response: GenerationResponse, mode: WaitMode, fromSubmit: boolean): Promise<void> {
	const generationId = job.generationId as string;
	job.response = fromSubmit && job.response ? { ...job.response, ...response } : response;
	const kind = statusKind(response.status);
	if (kind === 'running') {
		if (mode === 'lookUpOnce' && !fromSubmit) job.done = true;
		else job.nextPollAt = Date.now() + runner.settings.pollIntervalMs;
		return;
	}
	if (kind === 'failed') {
		const reason = failureReason(response);
		runner.fail(
			job,
			operationError(runner.node, `Generation ${generationId} failed: ${reason ?? `AI/ML API reported status "${response.status}" without a reason`}`, {
				itemIndex: job.itemIndex,
				description: `AI/ML API reported status "${response.status}". Adjust the prompt or inputs and run the item again. Generation ID: ${generationId}.`,
				secrets: runner.transport.secrets,
			}),
		);
		return;
	}
	const target = downloadTarget(response, generationId);
	if (!target) {
		const reason = failureReason(response);
		runner.fail(
			job,
			operationError(runner.node, `Generation ${generationId} completed without a video${reason ? `: ${reason}` : ''}`, {
				itemIndex: job.itemIndex,
				description: `AI/ML API reported the generation as completed but returned no video URL${reason ? '' : ' and no reason'}. Adjust the prompt or inputs (the safety checker may have blocked the output). Generation ID: ${generationId}.`,
				secrets: runner.transport.secrets,
			}),
		);
		return;
	}
	if (runner.downloadVideo) await downloadGenerationVideo(runner, job, target);
	else job.done = true;
}

