import { operationError } from '../errors';
import { isTransient, summarizeFailure, toHttpFailure } from '../transport';
import { isCancelled } from '../transport/wait';
import { type Downloading, type GenerationJob, type JobState, type StepContext, backoffMs } from './state';
import { IncompleteDownload, downloadVideo } from './videoFile';

export const MAX_DOWNLOAD_ATTEMPTS = 3;

/** One download attempt: Downloading → Done, Downloading again (a lost or incomplete transfer, after a backoff) or Failed. */
export async function downloadGenerationVideo(step: StepContext, job: GenerationJob, state: Downloading): Promise<JobState> {
	const { generationId, target } = state;
	const attempts = state.attempts + 1;
	let problem = 'the video URL is not an http(s) URL';
	if (/^https?:\/\//i.test(target.url)) {
		try {
			const binary = await downloadVideo(step.ctx, target, step.settings.requestTimeoutMs);
			return { phase: 'done', generationId, response: state.response, binary };
		} catch (error) {
			if (isCancelled(step.signal)) return state;
			let retry: boolean;
			if (error instanceof IncompleteDownload) {
				problem = `the transfer stopped after ${error.receivedBytes} of ${error.expectedBytes} bytes`;
				retry = true;
			} else {
				const failure = toHttpFailure(error);
				problem = summarizeFailure(failure);
				retry = isTransient(failure) || failure.status === 404;
			}
			if (retry && attempts < MAX_DOWNLOAD_ATTEMPTS) {
				return { ...state, attempts, lastProblem: problem, retryAt: Date.now() + backoffMs(attempts) };
			}
		}
	}
	return {
		phase: 'failed',
		generationId,
		response: state.response,
		error: operationError(step.node, `Generation ${generationId} completed, but downloading its video failed: ${problem}`, {
			itemIndex: job.itemIndex,
			description: `The video is at ${target.url} (AI/ML API may not keep it for long). Download it from there, or run this node's Get operation with Download Video for generation ID ${generationId}.`,
			secrets: step.transport.secrets,
		}),
	};
}
