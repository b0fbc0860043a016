/**
 * One binary-upload measurement in a fresh process (started by binary.ts): warms up with a
 * one-item Submit, then samples RSS while N items whose video is a binary file are submitted.
 *   filesystem: each item's file is streamed into n8n's binary store (as a Read File node
 *     would), then the node streams it into its request.
 *   memory: each item holds the file's base64 text, as n8n's default binary mode does; the
 *     text exists before the baseline (it is the input, not the node's doing).
 */
import type { INodeParameters } from 'n8n-workflow';

import { type InputItem, runNode } from '../test/harness/engine';
import { N8N_USER_FOLDER } from '../test/harness/env';
import { generateParameters } from '../test/harness/fixtures';
import { clearInterval, delay, fs, process, setInterval } from '../test/support/node';
import type { BinaryChildMessage, BinaryChildResult, BinaryChildTask } from './binary';

const task = JSON.parse(process.argv[2] ?? '{}') as BinaryChildTask;

const parameters: INodeParameters = generateParameters({
	operation: 'submit',
	videoSource: 'binary',
	runOptions: { requestTimeoutSeconds: 300, maxConcurrentRequests: task.maxConcurrent },
});

async function submit(items: InputItem[]): Promise<number> {
	const result = await runNode({ parameters, items, credentials: { apiKey: 'bench-key', baseUrl: task.baseUrl } });
	if (result.error) throw result.error;
	const failed = result.items.find((item) => item.json.error);
	if (failed) throw new Error(String(failed.json.error));
	return result.items.length;
}

const maxRss = (): number => process.resourceUsage().maxRSS * 1024;

async function measure(): Promise<BinaryChildResult> {
	const base64 = task.mode === 'memory' ? fs.readFileSync(task.file).toString('base64') : undefined;
	const item = (): InputItem => ({
		json: {},
		binary: { data: base64 !== undefined ? { base64, mimeType: 'video/mp4', fileName: 'clip.mp4' } : { path: task.file, mimeType: 'video/mp4', fileName: 'clip.mp4' } },
	});
	await submit([item()]);
	await delay(200);
	const before = process.memoryUsage();
	const maxRssBefore = maxRss();
	let peakRss = before.rss;
	const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), task.sampleMs);
	const started = Date.now();
	let submitted = 0;
	try {
		submitted = await submit(Array.from({ length: task.items }, item));
	} finally {
		clearInterval(sampler);
	}
	const durationMs = Date.now() - started;
	peakRss = Math.max(peakRss, process.memoryUsage().rss);
	const maxRssAfter = maxRss();
	const peakRssBytes = maxRssAfter > maxRssBefore ? Math.max(maxRssAfter, peakRss) : peakRss;
	return { submitted, rssBeforeBytes: before.rss, peakRssBytes, growthBytes: peakRssBytes - before.rss, durationMs };
}

function finish(message: BinaryChildMessage): void {
	fs.rmSync(N8N_USER_FOLDER, { recursive: true, force: true });
	process.send?.(message, () => process.exit(0));
}

measure().then(
	(result) => finish({ result }),
	(error: unknown) => finish({ error: error instanceof Error ? `${error.message} ${(error as { description?: string }).description ?? ''}`.trim() : String(error) }),
);
