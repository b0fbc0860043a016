/**
 * PostgreSQL and Redis for queue mode, from Debian's packages (scripts/ensure-queue-services.sh
 * installs them), started as our own processes on free loopback ports in temp folders, never
 * as system services. PostgreSQL refuses to run as root: as root it runs as the `postgres`
 * user the package creates.
 */
import { childProcess, delay, fs, fsp, net, os, path, process, repoRoot } from '../../support/node';
import { guardPath } from '../../support/process-guard';
import { type ManagedProcess, freePort, spawnManaged, tail } from './process';

export interface Service {
	host: string;
	port: number;
	/** What the process printed. */
	log(): string;
	stop(): Promise<void>;
}

export interface Postgres extends Service {
	database: string;
	user: string;
}

const READY_TIMEOUT_MS = 60_000;

/** Runs scripts/ensure-queue-services.sh (apt-get install when missing); returns PostgreSQL's bin folder. */
export function ensureQueueServices(): string {
	const script = path.join(repoRoot, 'scripts', 'ensure-queue-services.sh');
	return childProcess.execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

function postgresAccount(): { uid: number; gid: number } | undefined {
	if (process.getuid?.() !== 0) return undefined;
	const id = (flag: string) => Number(childProcess.execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
	return { uid: id('-u'), gid: id('-g') };
}

export async function waitForPort(port: number, proc: ManagedProcess, what: string): Promise<void> {
	const deadline = Date.now() + READY_TIMEOUT_MS;
	while (Date.now() < deadline) {
		if (proc.exited) throw new Error(`${what} exited (code ${proc.exitCode}) before it listened\n${tail(proc.output())}`);
		const open = await new Promise<boolean>((resolve) => {
			const socket = net.connect(port, '127.0.0.1');
			socket.once('connect', () => {
				socket.destroy();
				resolve(true);
			});
			socket.once('error', () => resolve(false));
		});
		if (open) return;
		await delay(100);
	}
	throw new Error(`${what} did not listen on ${port} within ${READY_TIMEOUT_MS} ms\n${tail(proc.output())}`);
}

function runAs(account: { uid: number; gid: number } | undefined, command: string, args: string[]): void {
	childProcess.execFileSync(command, args, {
		stdio: ['ignore', 'pipe', 'pipe'],
		...(account ? { uid: account.uid, gid: account.gid } : {}),
		env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
	});
}

function createDatabase(account: { uid: number; gid: number } | undefined, bin: string, port: number, user: string): boolean {
	try {
		runAs(account, path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', user, 'n8n']);
		return true;
	} catch {
		return false;
	}
}

/**
 * Waits for `ready()`; if it fails, stops the process and removes its folder before the error
 * goes on. The Service it returns stops the process (after `beforeStop`) and removes the folder.
 */
export async function serviceWhenReady(
	proc: ManagedProcess,
	root: string,
	unguardRoot: () => void,
	port: number,
	ready: () => Promise<void>,
	beforeStop?: () => Promise<unknown>,
): Promise<Service> {
	const removeAll = async () => {
		await proc.stop();
		await fsp.rm(root, { recursive: true, force: true, maxRetries: 3 });
		unguardRoot();
	};
	await ready().catch(async (error: unknown) => {
		await removeAll();
		return await Promise.reject(error);
	});
	return {
		host: '127.0.0.1',
		port,
		log: () => proc.output(),
		async stop() {
			await beforeStop?.();
			await removeAll();
		},
	};
}

/** A fresh cluster (initdb, trust auth on loopback) with database `n8n`; removed again by stop(). */
export async function startPostgres(): Promise<Postgres> {
	const bin = ensureQueueServices();
	const account = postgresAccount();
	const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'wan-vace-postgres-'));
	// Removed by the process guard if the test process dies before stop().
	const unguardRoot = guardPath(root);
	const dataDir = path.join(root, 'data');
	if (account) fs.chownSync(root, account.uid, account.gid);
	const user = 'postgres';
	runAs(account, path.join(bin, 'initdb'), ['-D', dataDir, '-U', user, '-A', 'trust', '-E', 'UTF8', '--no-sync']);
	const port = await freePort();
	const proc = spawnManaged(
		path.join(bin, 'postgres'),
		['-D', dataDir, '-p', String(port), '-k', root, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200'],
		{
			env: { PATH: process.env.PATH ?? '', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
			...(account ? { uid: account.uid, gid: account.gid } : {}),
			// Left behind, PostgreSQL gets SIGQUIT, its immediate shutdown: the postmaster stops its
			// backends and releases its shared memory (a SIGKILL would leave the segment behind).
			guard: { label: 'postgres', signal: 'SIGQUIT', exitSignal: 'SIGQUIT', graceMs: 5000 },
		},
	);
	const service = await serviceWhenReady(
		proc,
		root,
		unguardRoot,
		port,
		async () => {
			await waitForPort(port, proc, 'postgres');
			const deadline = Date.now() + READY_TIMEOUT_MS;
			// "the database system is starting up": the port opens before it accepts sessions.
			while (!createDatabase(account, bin, port, user)) {
				if (Date.now() > deadline) throw new Error(`createdb n8n failed for ${READY_TIMEOUT_MS} ms\n${tail(proc.output())}`);
				await delay(200);
			}
		},
		// SIGINT is PostgreSQL's fast shutdown (SIGTERM waits for every client to leave).
		async () => await Promise.race([proc.kill('SIGINT'), delay(10_000, undefined, { ref: false })]),
	);
	return { ...service, database: 'n8n', user };
}

/** A Redis without persistence on a free loopback port. */
export async function startRedis(): Promise<Service> {
	ensureQueueServices();
	const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'wan-vace-redis-'));
	const unguardRoot = guardPath(root);
	const port = await freePort();
	const proc = spawnManaged(
		'redis-server',
		['--port', String(port), '--bind', '127.0.0.1', '--dir', root, '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
		{ env: { PATH: process.env.PATH ?? '' }, guard: { label: 'redis-server' } },
	);
	return await serviceWhenReady(proc, root, unguardRoot, port, async () => await waitForPort(port, proc, 'redis-server'));
}
