/**
 * Issue 19: peak RSS growth while N items whose video is a binary file are submitted, each
 * measurement in a fresh child process (binary-child.ts), against a mock of the submit
 * route that reads each body as a stream, keeps none of it, and counts its bytes.
 */
import { N8N_USER_FOLDER } from '../test/harness/env';
import { childProcess, crypto, fs, http, path, process, repoRoot } from '../test/support/node';
import type { BenchConfig } from './config';
import { MiB } from './config';
import { type Row, type Section, bytes, count, formatValue } from './report';
import type { Progress } from './sections';

export type BinaryMode = 'filesystem' | 'memory';

export interface BinaryChildTask {
	baseUrl: string;
	mode: BinaryMode;
	items: number;
	file: string;
	maxConcurrent: number;
	sampleMs: number;
}

export interface BinaryChildResult {
	submitted: number;
	rssBeforeBytes: number;
	peakRssBytes: number;
	growthBytes: number;
	durationMs: number;
}

export type BinaryChildMessage = { result: BinaryChildResult } | { error: string };

const CHILD_SCRIPT = path.join(repoRoot, 'bench', 'binary-child.ts');
const MAX_CONCURRENT = 5;

/** The submit route: reads the body chunk by chunk, keeps only its length, answers with an ID (to any request). */
export interface BodyMock {
	baseUrl: string;
	bodies: Array<{ contentLength: number; received: number }>;
	close(): Promise<void>;
}

export async function startBodyMock(): Promise<BodyMock> {
	const bodies: BodyMock['bodies'] = [];
	const server = http.createServer((req, res) => {
		let received = 0;
		req.on('data', (chunk: Buffer) => (received += chunk.length));
		req.on('end', () => {
			// Only submissions carry a body (the node also reads the model catalogue: GET).
			if (req.method === 'POST') bodies.push({ contentLength: Number(req.headers['content-length']), received });
			const body = JSON.stringify({ id: `${crypto.randomUUID()}:bench`, status: 'queued' });
			res.writeHead(201, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
			res.end(body);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address() as { port: number };
	return {
		baseUrl: `http://127.0.0.1:${address.port}`,
		bodies,
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

/** A file of `size` bytes starting like an MP4 (checks are on by default: ftyp, then noise). */
export function writeSourceFile(size: number): string {
	const file = path.join(N8N_USER_FOLDER, `bench-source-${size}.mp4`);
	const handle = fs.openSync(file, 'w');
	const block = crypto.randomBytes(MiB);
	for (let written = 0; written < size; written += block.length) fs.writeSync(handle, block, 0, Math.min(block.length, size - written));
	fs.closeSync(handle);
	return file;
}

async function measure(mock: BodyMock, task: Omit<BinaryChildTask, 'baseUrl' | 'sampleMs' | 'maxConcurrent'>): Promise<BinaryChildResult> {
	const full: BinaryChildTask = { ...task, baseUrl: mock.baseUrl, maxConcurrent: MAX_CONCURRENT, sampleMs: 5 };
	const child = childProcess.fork(CHILD_SCRIPT, [JSON.stringify(full)], {
		cwd: repoRoot,
		execArgv: ['--import', 'tsx'],
		stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
	});
	let stderr = '';
	child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const message = await new Promise<BinaryChildMessage>((resolve, reject) => {
		child.once('message', (received) => resolve(received as BinaryChildMessage));
		child.once('exit', (code) => reject(new Error(`The binary child exited (${code}) without a result: ${stderr.slice(-2000)}`)));
	});
	if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
	if ('error' in message) throw new Error(`The binary child (${task.mode}, ${task.items} items) failed: ${message.error}`);
	return message.result;
}

/** Item counts and file sizes measured; BENCH_BINARY_SIZES_MB / BENCH_BINARY_ITEMS narrow a run. */
function plan(config: BenchConfig): { sizes: number[]; items: number[]; modes: BinaryMode[] } {
	const quick = config.mode === 'quick';
	const list = (name: string, fallback: number[]) => (process.env[name] ? process.env[name].split(',').map(Number) : fallback);
	const modes = (process.env.BENCH_BINARY_MODES?.split(',') as BinaryMode[] | undefined) ?? ['filesystem', 'memory'];
	return {
		sizes: list('BENCH_BINARY_SIZES_MB', quick ? [10] : [10, 50]).map((mb) => mb * 1000 * 1000),
		items: list('BENCH_BINARY_ITEMS', quick ? [2, 20] : [2, 20, 100]),
		modes,
	};
}

export async function binarySection(config: BenchConfig, progress: Progress): Promise<Section> {
	const mock = await startBodyMock();
	const rows: Row[] = [];
	const { sizes, items, modes } = plan(config);
	try {
		for (const size of sizes) {
			const file = writeSourceFile(size);
			for (const mode of modes) {
				const growth = new Map<number, number>();
				for (const n of items) {
					// Memory mode holds every file in the item: 100 × 50 MB is 6.7 GB of input before the node runs.
					if (mode === 'memory' && n * size > 2000 * MiB) continue;
					// V8 sizes its heap by what ran before: the goals' rows take the median of 3 processes.
					const runs = n <= 20 ? 3 : 1;
					progress(`binary: ${n} × ${formatValue(size, 'bytes')}, ${mode} mode, ${runs === 1 ? 'in a fresh process' : `median of ${runs} fresh processes`}`);
					const results: BinaryChildResult[] = [];
					let exact = true;
					for (let run = 0; run < runs; run++) {
						const first = mock.bodies.length;
						results.push(await measure(mock, { mode, items: n, file }));
						const bodies = mock.bodies.slice(first + 1);
						exact &&= bodies.length === n && bodies.every((body) => body.received === body.contentLength);
					}
					results.sort((a, b) => a.growthBytes - b.growthBytes);
					const result = results[Math.floor(runs / 2)];
					const bodyBytes = mock.bodies[mock.bodies.length - 1]?.received ?? 0;
					growth.set(n, result.growthBytes);
					const goal = n === 2 ? 4 * size : n === 20 && growth.has(2) ? 1.5 * (growth.get(2) as number) + 64 * MiB : undefined;
					rows.push({
						measurement: `Peak RSS growth, ${n} × ${formatValue(size, 'bytes')}, ${mode}`,
						ours: bytes(result.growthBytes),
						baseline: count(bodyBytes, `${bodyBytes} B per body`),
						target: goal !== undefined ? `≤ ${formatValue(goal, 'bytes')}, bodies = Content-Length` : 'completes, bodies = Content-Length',
						pass: result.submitted === n && exact && (goal === undefined || result.growthBytes <= goal),
					});
				}
			}
			fs.rmSync(file, { force: true });
		}
	} finally {
		await mock.close();
	}
	return {
		title: 'Binary inputs streamed into the request (issue 19)',
		notes: [
			`Submit of N items whose video is a binary file, Max Concurrent Requests ${MAX_CONCURRENT}, input checks off (the files are noise, not videos); each figure from fresh child processes (growth of RSS over the baseline taken after a one-item warm-up; the median of 3 processes up to 20 items).`,
			'The mock API reads each body as a stream and keeps none of it; "per body" is the bytes one body carried, checked equal to its Content-Length for every body.',
			'Goals (issue 19): 2 items ≤ 4 × one file; 20 items ≤ 1.5 × the 2-item growth + 64 MiB; 100 × 50 MB in filesystem mode completes. Memory mode is measured while its inputs fit in 2 GB (its base64 texts are the input, made before the baseline).',
		],
		rows,
	};
}
