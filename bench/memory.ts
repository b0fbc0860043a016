/**
 * Peak RSS growth while a result video is downloaded into n8n's binary data (filesystem
 * mode). Each measurement runs in a fresh child process (memory-child.ts); the simulator
 * serving the file runs in another one, so neither its memory nor ours counts.
 */
import type { SimulatorCounters } from '../test/simulator';
import { childProcess, path, process, repoRoot } from '../test/support/node';

type ChildProcess = ReturnType<typeof childProcess.spawn>;

/**
 * streaming: Wan VACE Inpaint with Download Video. buffering: the baseline node (one buffer).
 * plain: no n8n at all, http.get piped into a file (the runtime's own floor).
 */
export type DownloadMode = 'streaming' | 'buffering' | 'plain';

/** What memory-child.ts is asked to do (passed as JSON in argv[2]). */
export interface MemoryChildTask {
	baseUrl: string;
	apiKey: string;
	mode: DownloadMode;
	bytes: number;
	sampleMs: number;
}

/** What memory-child.ts reports back over IPC. */
export interface MemoryChildResult {
	mode: DownloadMode;
	/** Size of the file stored in the binary data store. */
	storedBytes: number;
	rssBeforeBytes: number;
	peakRssBytes: number;
	growthBytes: number;
	/** Peak growth of process.memoryUsage().arrayBuffers: Buffers alive or awaiting GC. */
	arrayBuffersGrowthBytes: number;
	/** Peak growth by process.resourceUsage().maxRSS alone; 0 when the earlier high-water mark was not passed. */
	maxRssGrowthBytes: number;
	samples: number;
	durationMs: number;
}

export type MemoryChildMessage = { result: MemoryChildResult } | { error: string };

export interface MemoryMeasurement extends MemoryChildResult {
	bytes: number;
	/** The simulator's counters after the child finished (warm-up included). */
	counters: SimulatorCounters;
}

/** Node with TypeScript support (tsx), the way every .ts entry point here runs. */
const TSX_EXEC_ARGV = ['--import', 'tsx'];

const CHILD_SCRIPT = path.join(repoRoot, 'bench', 'memory-child.ts');
const SIMULATOR_CLI = path.join(repoRoot, 'test', 'simulator', 'cli.ts');

export interface SimulatorProcess {
	readonly baseUrl: string;
	readonly apiKey: string;
	/** Calls a /__sim/ control route, e.g. control('PATCH', 'options', { videoSizeBytes }). */
	control<T = unknown>(method: string, route: string, body?: unknown): Promise<T>;
	stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
	return new Promise((resolve) => {
		if (child.exitCode !== null || child.signalCode !== null) resolve();
		else child.once('exit', () => resolve());
	});
}

/** Starts the standalone simulator (test/simulator/cli.ts) on a free port in its own process. */
export async function startSimulatorProcess(flags: string[] = []): Promise<SimulatorProcess> {
	const child = childProcess.spawn(process.execPath, [...TSX_EXEC_ARGV, SIMULATOR_CLI, '--port', '0', ...flags], {
		cwd: repoRoot,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const { baseUrl, apiKey } = await new Promise<{ baseUrl: string; apiKey: string }>((resolve, reject) => {
		child.stdout?.on('data', (chunk: Buffer) => {
			stdout += chunk.toString();
			const baseUrl = /^Base URL: (\S+)$/m.exec(stdout)?.[1];
			const apiKey = /^API key: +(\S+)$/m.exec(stdout)?.[1];
			if (baseUrl && apiKey) resolve({ baseUrl, apiKey });
		});
		child.once('exit', (code) => reject(new Error(`The simulator process exited (${code}) before listening: ${stderr || stdout}`)));
	});
	child.stdout?.resume();
	return {
		baseUrl,
		apiKey,
		async control<T>(method: string, route: string, body?: unknown): Promise<T> {
			const response = await fetch(`${baseUrl}/__sim/${route}`, {
				method,
				...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
			});
			const payload = (await response.json()) as T;
			if (!response.ok) throw new Error(`${method} /__sim/${route}: HTTP ${response.status} ${JSON.stringify(payload)}`);
			return payload;
		},
		async stop(): Promise<void> {
			child.kill('SIGTERM');
			await exited(child);
		},
	};
}

/** Runs one download in a fresh child process and returns its memory figures. */
export async function measureDownloadMemory(
	sim: SimulatorProcess,
	options: { mode: DownloadMode; bytes: number; sampleMs?: number },
): Promise<MemoryMeasurement> {
	await sim.control('POST', 'reset');
	await sim.control('PATCH', 'options', { videoSizeBytes: options.bytes, generationMs: 200 });
	const task: MemoryChildTask = { baseUrl: sim.baseUrl, apiKey: sim.apiKey, mode: options.mode, bytes: options.bytes, sampleMs: options.sampleMs ?? 5 };
	const child = childProcess.fork(CHILD_SCRIPT, [JSON.stringify(task)], {
		cwd: repoRoot,
		execArgv: TSX_EXEC_ARGV,
		stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
	});
	let stderr = '';
	child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const message = await new Promise<MemoryChildMessage>((resolve, reject) => {
		child.once('message', (received) => resolve(received as MemoryChildMessage));
		child.once('exit', (code) => reject(new Error(`The memory child (${options.mode}) exited (${code}) without a result: ${stderr.slice(-2000)}`)));
	});
	await exited(child);
	if ('error' in message) throw new Error(`The memory child (${options.mode}, ${options.bytes} bytes) failed: ${message.error}`);
	return { ...message.result, bytes: options.bytes, counters: await sim.control<SimulatorCounters>('GET', 'counters') };
}
