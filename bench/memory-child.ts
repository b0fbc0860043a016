/**
 * One memory measurement in a fresh process (started by memory.ts): warms up with a run
 * that does not download, then samples RSS while the measured download runs.
 *   streaming: Wan VACE Inpaint, Generate with Download Video (a new generation).
 *   buffering: the baseline node, downloading the warm-up generation's video.
 */
import type { INodeParameters } from 'n8n-workflow';

import { N8N_USER_FOLDER } from '../test/harness/env';
import { type RunNodeResult, runNode, storedBinarySize } from '../test/harness/engine';
import { generateParameters } from '../test/harness/fixtures';
import { clearInterval, delay, fs, http, path, process, setInterval, streamPromises } from '../test/support/node';
import { BUFFERING_DOWNLOAD_NODE_TYPE, registerBufferingDownload } from './baseline-node';
import type { MemoryChildMessage, MemoryChildResult, MemoryChildTask } from './memory';

const task = JSON.parse(process.argv[2] ?? '{}') as MemoryChildTask;

async function run(parameters: INodeParameters, nodeType?: string): Promise<RunNodeResult> {
	const result = await runNode({ parameters, nodeType, credentials: { apiKey: task.apiKey, baseUrl: task.baseUrl } });
	if (result.error) throw result.error;
	return result;
}

const generate = (downloadVideo: boolean) =>
	generateParameters({ runOptions: { downloadVideo, pollIntervalSeconds: 0.5, requestTimeoutSeconds: 60 } });

/** The floor: Node's own streaming, http.get piped into a file; returns the bytes written. */
async function plainDownload(url: string): Promise<number> {
	const file = path.join(N8N_USER_FOLDER, 'plain-download.mp4');
	const response = await new Promise<InstanceType<typeof http.IncomingMessage>>((resolve, reject) => http.get(url, resolve).on('error', reject));
	await streamPromises.pipeline(response, fs.createWriteStream(file));
	return fs.statSync(file).size;
}

/** maxRSS of this process so far, in bytes. */
const maxRss = (): number => process.resourceUsage().maxRSS * 1024;

async function measure(): Promise<MemoryChildResult> {
	registerBufferingDownload();
	const warmUp = await run(generate(false));
	const videoUrl = String(warmUp.items[0]?.json.videoUrl);
	await delay(200);

	const before = process.memoryUsage();
	const maxRssBefore = maxRss();
	let peakRss = before.rss;
	let peakArrayBuffers = before.arrayBuffers;
	let samples = 0;
	const sample = () => {
		const now = process.memoryUsage();
		peakRss = Math.max(peakRss, now.rss);
		peakArrayBuffers = Math.max(peakArrayBuffers, now.arrayBuffers);
		samples++;
	};
	const sampler = setInterval(sample, task.sampleMs);
	const started = Date.now();
	let storedBytes = 0;
	try {
		if (task.mode === 'plain') {
			storedBytes = await plainDownload(videoUrl);
		} else {
			const result = task.mode === 'streaming' ? await run(generate(true)) : await run({ url: videoUrl }, BUFFERING_DOWNLOAD_NODE_TYPE);
			const binaryId = result.items[0]?.binary?.data?.id;
			storedBytes = binaryId ? storedBinarySize(binaryId) : 0;
		}
	} finally {
		clearInterval(sampler);
	}
	const durationMs = Date.now() - started;
	sample();
	const maxRssAfter = maxRss();
	// The kernel's high-water mark is exact when the download raised it; otherwise the samples tell.
	const peakRssBytes = maxRssAfter > maxRssBefore ? Math.max(maxRssAfter, peakRss) : peakRss;
	return {
		mode: task.mode,
		storedBytes,
		rssBeforeBytes: before.rss,
		peakRssBytes,
		growthBytes: peakRssBytes - before.rss,
		arrayBuffersGrowthBytes: peakArrayBuffers - before.arrayBuffers,
		maxRssGrowthBytes: Math.max(0, maxRssAfter - maxRssBefore),
		samples,
		durationMs,
	};
}

function finish(message: MemoryChildMessage): void {
	fs.rmSync(N8N_USER_FOLDER, { recursive: true, force: true });
	process.send?.(message, () => process.exit(0));
}

measure().then(
	(result) => finish({ result }),
	(error: unknown) => finish({ error: error instanceof Error ? `${error.message} ${(error as { description?: string }).description ?? ''}`.trim() : String(error) }),
);
