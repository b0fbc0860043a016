/** Child processes, plain HTTP, ports and small text helpers of the harness. */
import { childProcess, clearTimeout, crypto, delay, fs, fsp, http, net, process, setTimeout } from '../../support/node';
import { groupMembers } from '../../support/watchdog';
import { guardGroup } from '../../support/process-guard';
import type { CommandResult } from './types';

/** How long stop()/kill() wait for the last members of a group (task runners) to go. */
const GROUP_GONE_TIMEOUT_MS = 10_000;

/** Waits until process group `pgid` has no live member (SIGKILL again half-way); true when empty. */
export async function untilGroupGone(pgid: number, timeoutMs = GROUP_GONE_TIMEOUT_MS): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	let killedAgain = false;
	while (groupMembers(pgid).length > 0) {
		if (Date.now() > deadline) return false;
		if (!killedAgain && Date.now() > deadline - timeoutMs / 2) {
			killedAgain = true;
			try {
				process.kill(-pgid, 'SIGKILL');
			} catch {
				// gone meanwhile
			}
		}
		await delay(50);
	}
	return true;
}

/** How the process guard stops a group when the test process ends without stopping it. */
export interface GroupGuard {
	label?: string;
	/** What the watchdog sends first (default SIGTERM), SIGKILL after `graceMs` (default 5000). */
	signal?: 'SIGTERM' | 'SIGQUIT' | 'SIGINT';
	/** What the exiting test process sends, as it cannot wait (default SIGKILL). */
	exitSignal?: 'SIGKILL' | 'SIGQUIT' | 'SIGTERM';
	graceMs?: number;
}

export interface ManagedProcess {
	pid?: number;
	exited: boolean;
	exitCode: number | null;
	output(): string;
	stop(): Promise<void>;
	/** Sends `signal` to the whole process group (SIGKILL: a crash) and waits until it is gone. */
	kill(signal: 'SIGKILL' | 'SIGTERM' | 'SIGINT'): Promise<void>;
	done: Promise<void>;
}

/**
 * Spawns a process in its own process group (so n8n's task runner children die with it),
 * registered with the process guard (test/support/process-guard.js): the group is stopped
 * when the test process ends in any way, SIGKILL included, even if nobody calls stop().
 * It is unregistered once the group is empty.
 */
export function spawnManaged(
	command: string,
	args: string[],
	opts: {
		cwd?: string;
		env: Record<string, string>;
		logFile?: string;
		inheritStderr?: boolean;
		uid?: number;
		gid?: number;
		/** How the guard stops the group (default: SIGTERM, SIGKILL after 5 s; SIGKILL when the test process exits). */
		guard?: GroupGuard;
	},
): ManagedProcess & { stdout: () => string; stderr: () => string; signal: () => string | null } {
	const child = childProcess.spawn(command, args, {
		cwd: opts.cwd,
		env: opts.env,
		detached: true,
		...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid } : {}),
		stdio: ['ignore', 'pipe', opts.inheritStderr ? 'inherit' : 'pipe'],
	});
	// Registered before anything can await: a test process killed from now on takes the group along.
	const unguard = child.pid === undefined ? () => undefined : guardGroup(child.pid, { label: command, ...opts.guard });
	/** Unregisters the group once it has no member left (a stray one is SIGKILLed first). */
	const release = async () => {
		if (child.pid !== undefined && !(await untilGroupGone(child.pid))) return; // left for the guard
		unguard();
	};
	const out: Buffer[] = [];
	const err: Buffer[] = [];
	const both: Buffer[] = [];
	// Appended: a restarted n8n keeps what the earlier process printed (a crash post-mortem).
	const log = opts.logFile ? fs.createWriteStream(opts.logFile, { flags: 'a' }) : undefined;
	child.stdout?.on('data', (chunk: Buffer) => {
		out.push(chunk);
		both.push(chunk);
		log?.write(chunk);
	});
	child.stderr?.on('data', (chunk: Buffer) => {
		err.push(chunk);
		both.push(chunk);
		log?.write(chunk);
	});
	let exitSignal: string | null = null;
	const state = {
		exited: false,
		exitCode: null as number | null,
	};
	const done = new Promise<void>((resolve) => {
		child.on('close', (code, signal) => {
			state.exited = true;
			state.exitCode = code;
			exitSignal = signal;
			log?.end();
			// Ended with its whole group (a CLI command, tar): nothing left to guard.
			if (child.pid !== undefined && groupMembers(child.pid).length === 0) unguard();
			resolve();
		});
		child.on('error', (error) => {
			both.push(Buffer.from(`spawn error: ${error.message}\n`));
			state.exited = true;
			log?.end();
			unguard();
			resolve();
		});
	});
	const killGroup = (signal: string) => {
		if (child.pid === undefined) return;
		try {
			process.kill(-child.pid, signal);
		} catch {
			// already gone
		}
	};
	return {
		pid: child.pid,
		get exited() {
			return state.exited;
		},
		get exitCode() {
			return state.exitCode;
		},
		done,
		output: () => Buffer.concat(both).toString('utf8'),
		stdout: () => Buffer.concat(out).toString('utf8'),
		stderr: () => Buffer.concat(err).toString('utf8'),
		signal: () => exitSignal,
		async kill(signal: 'SIGKILL' | 'SIGTERM' | 'SIGINT') {
			killGroup(signal);
			await done;
			if (signal === 'SIGKILL') await release();
		},
		async stop() {
			if (state.exited) {
				killGroup('SIGKILL'); // stray grandchildren
				await release();
				return;
			}
			killGroup('SIGTERM');
			// n8n shuts down gracefully (N8N_GRACEFUL_SHUTDOWN_TIMEOUT=5); SIGKILL after 10 s.
			const timer = setTimeout(() => killGroup('SIGKILL'), 10_000);
			await done;
			clearTimeout(timer);
			killGroup('SIGKILL'); // stray grandchildren (task runners)
			await release();
		},
	};
}

export async function runCommand(
	command: string,
	args: string[],
	opts: {
		cwd?: string;
		env: Record<string, string>;
		timeoutMs: number;
		inheritStderr?: boolean;
		track?: Set<ManagedProcess>;
	},
): Promise<CommandResult> {
	const started = Date.now();
	const proc = spawnManaged(command, args, opts);
	opts.track?.add(proc);
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		void proc.stop();
	}, opts.timeoutMs);
	await proc.done;
	clearTimeout(timer);
	await proc.stop(); // what the command left running in its group (n8n's task runner)
	opts.track?.delete(proc);
	return {
		code: proc.exitCode,
		signal: proc.signal(),
		stdout: proc.stdout(),
		stderr: proc.stderr(),
		durationMs: Date.now() - started,
		timedOut,
	};
}

export function httpRequest(
	url: URL,
	opts: { method: string; headers?: Record<string, string>; body?: Buffer; timeoutMs: number },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
	return new Promise((resolve, reject) => {
		const headers: Record<string, string | number> = { ...(opts.headers ?? {}) };
		if (opts.body) headers['content-length'] = opts.body.length;
		const request = http.request(
			url,
			{ method: opts.method, headers, agent: false, timeout: opts.timeoutMs },
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () =>
					resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
				);
				response.on('error', reject);
			},
		);
		request.on('timeout', () => request.destroy(new Error(`${opts.method} ${url.href} timed out after ${opts.timeoutMs} ms`)));
		request.on('error', reject);
		request.end(opts.body);
	});
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

export async function unpackTarball(tarball: string, destination: string): Promise<void> {
	await fsp.mkdir(destination, { recursive: true });
	const result = await runCommand('tar', ['-xzf', tarball, '-C', destination, '--strip-components=1'], {
		env: process.env as Record<string, string>,
		timeoutMs: 60_000,
	});
	assertCommand(result, `tar -xzf ${tarball}`);
}

export function assertCommand(result: CommandResult, what: string): void {
	if (result.code === 0) return;
	throw new Error(`${what} failed (exit ${result.code}${result.timedOut ? ', timed out' : ''})\n--- stdout\n${tail(result.stdout)}\n--- stderr\n${tail(result.stderr)}`);
}

export function randomWorkflowId(): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	return Array.from(crypto.randomBytes(16), (byte) => alphabet[byte % alphabet.length]).join('');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stripAnsi(text: string): string {
	// eslint-disable-next-line no-control-regex
	return text.replace(/\u001b\[[0-9;]*m/g, '');
}

export function tail(text: string, max = 6000): string {
	return text.length > max ? `…${text.slice(-max)}` : text;
}

/** A memory figure of a running process from /proc (VmHWM: peak resident so far; VmRSS: now), in bytes. */
export function procMemoryBytes(pid: number | undefined, field: 'VmHWM' | 'VmRSS'): number | undefined {
	if (pid === undefined) return undefined;
	try {
		const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
		return kb ? Number(kb) * 1024 : undefined;
	} catch {
		return undefined;
	}
}
