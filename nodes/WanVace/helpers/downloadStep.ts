import { operationError } from '../errors';
import { isTransient, summarizeFailure, toHttpFailure } from '../transport';
import { type DownloadTarget, IncompleteDownload, downloadVideo } from './binary';
import { type GenerationJob, type JobRunner, backoffMs } from './job';
import { isCancelled, sleepUntil } from './sleep';

const MAX_DOWNLOAD_ATTEMPTS = 3;

/** Downloads a finished generation's video as binary, retrying a lost or incomplete transfer. */
export async function downloadGenerationVideo(runner: JobRunner, job: GenerationJob, target: DownloadTarget): Promise<void> {
	const generationId = job.generationId as string;
	let problem = '';
	const validUrl = /^https?:\/\//i.test(target.url);
	for (let attempt = 1; validUrl && attempt <= MAX_DOWNLOAD_ATTEMPTS; attempt++) {
		try {
			job.binary = await downloadVideo(runner.ctx, target, runner.settings.requestTimeoutMs);
			job.done = true;
			return;
		} catch (error) {
			if (isCancelled(runner.signal)) return;
			let retry: boolean;
			if (error instanceof IncompleteDownload) {
				problem = `the transfer stopped after ${error.receivedBytes} of ${error.expectedBytes} bytes`;
				retry = true;
			} else {
				const failure = toHttpFailure(error);
				problem = summarizeFailure(failure);
				retry = isTransient(failure) || failure.status === 404;
			}
			if (!retry || attempt === MAX_DOWNLOAD_ATTEMPTS) break;
			if (!(await sleepUntil(Date.now() + backoffMs(attempt), runner.signal))) return;
		}
	}
	runner.fail(
		job,
		operationError(runner.node, `Generation ${generationId} completed, but downloading its video failed: ${validUrl ? problem : 'the video URL is not an http(s) URL'}`, {
			itemIndex: job.itemIndex,
			description: `The video is at ${target.url} (AI/ML API may not keep it for long). Download it from there, or run this node's Get operation with Download Video for generation ID ${generationId}.`,
			secrets: runner.transport.secrets,
		}),
	);
}

