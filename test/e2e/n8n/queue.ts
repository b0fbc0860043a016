/**
 * n8n in queue mode on one machine, as its docs describe it at scale: PostgreSQL and Redis
 * (services.ts), `n8n start` as the main instance and N `n8n worker` processes.
 *
 *   const cluster = await startQueueCluster({ tarball, workers: 2 });
 *   cluster.server / cluster.main   // the main instance (REST, webhooks), as any environment
 *   cluster.workers[0].log()        // what a worker printed ("Worker started execution 12 …")
 *   await cluster.workers[0].crash(); await cluster.restartMain(); await cluster.dispose();
 *
 * Every process gets the same encryption key, database and Redis, and its own ports (main's
 * HTTP port, each worker's health-check port, and each process's task-runner broker port).
 * Each worker has its own user folder with the package unpacked into it, as main has: where a
 * worker loads community packages from. Binary data is left at n8n's queue-mode default, the
 * database. Manual runs are offloaded to the workers, so every execution runs on a worker.
 */
import { crypto, delay, fsp, os, path } from '../../support/node';
import { guardPath } from '../../support/process-guard';
import { createN8nEnvironment } from './environment';
import { type ManagedProcess, freePort, httpRequest, procMemoryBytes, spawnManaged, tail, unpackTarball } from './process';
import { type Postgres, type Service, startPostgres, startRedis } from './services';
import { type N8nEnvironment, type N8nServer, PACKAGE_NAME, SERVER_BOOT_TIMEOUT_MS } from './types';

export interface QueueWorker {
	name: string;
	pid: number | undefined;
	healthPort: number;
	exited: boolean;
	/** What the worker printed so far (also in `<its user folder>/worker.log`). */
	log(): string;
	/** IDs of the executions the worker started ("Worker started execution <id>" lines). */
	executions(): string[];
	/** Peak resident memory of the worker process so far (VmHWM), in bytes. */
	peakRssBytes(): number | undefined;
	/** SIGKILL: the worker dies mid-job. */
	crash(): Promise<void>;
	stop(): Promise<void>;
}

export interface QueueCluster {
	main: N8nEnvironment;
	server: N8nServer;
	workers: QueueWorker[];
	postgres: Postgres;
	redis: Service;
	/** The variables every process shares (database, Redis, key, queue settings). */
	sharedEnv: Record<string, string>;
	/** Stops main gracefully and starts it again (same database); returns the new server. */
	restartMain(): Promise<N8nServer>;
	/** Starts one more worker (`env` overrides the shared variables for it alone). */
	addWorker(env?: Record<string, string>): Promise<QueueWorker>;
	dispose(): Promise<void>;
}

export interface QueueClusterOptions {
	tarball: string;
	workers?: number;
	/** `n8n worker --concurrency` (n8n's default is 10). */
	concurrency?: number;
	/** Extra variables for every process. */
	env?: Record<string, string>;
}

export async function startQueueCluster(opts: QueueClusterOptions): Promise<QueueCluster> {
	const stack: Array<() => Promise<void>> = [];
	let started = false;
	try {
		const postgres = await startPostgres();
		stack.push(() => postgres.stop());
		const redis = await startRedis();
		stack.push(() => redis.stop());
		const sharedEnv: Record<string, string> = {
			EXECUTIONS_MODE: 'queue',
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
			N8N_ENCRYPTION_KEY: crypto.randomBytes(24).toString('hex'),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: postgres.host,
			DB_POSTGRESDB_PORT: String(postgres.port),
			DB_POSTGRESDB_DATABASE: postgres.database,
			DB_POSTGRESDB_USER: postgres.user,
			DB_POSTGRESDB_PASSWORD: '',
			QUEUE_BULL_REDIS_HOST: redis.host,
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			// n8n's queue-mode default; the harness otherwise pins filesystem.
			N8N_DEFAULT_BINARY_DATA_MODE: 'database',
			...(opts.env ?? {}),
		};
		const main = await createN8nEnvironment({ tarball: opts.tarball, env: sharedEnv });
		stack.push(() => main.dispose());
		// Main migrates the database; workers start once it is ready.
		const server = await main.startServer();
		const cluster = new Cluster(main, server, postgres, redis, sharedEnv, opts, stack);
		for (let index = 0; index < (opts.workers ?? 2); index++) await cluster.addWorker();
		started = true;
		return cluster;
	} finally {
		// A part that failed to start: stop what did start.
		if (!started) for (const undo of stack.splice(0).reverse()) await undo().catch(() => undefined);
	}
}

class Cluster implements QueueCluster {
	readonly workers: QueueWorker[] = [];

	constructor(
		readonly main: N8nEnvironment,
		public server: N8nServer,
		readonly postgres: Postgres,
		readonly redis: Service,
		readonly sharedEnv: Record<string, string>,
		private readonly opts: QueueClusterOptions,
		private readonly stack: Array<() => Promise<void>>,
	) {}

	async restartMain(): Promise<N8nServer> {
		await this.server.stop();
		this.server = await this.main.startServer();
		return this.server;
	}

	async addWorker(extraEnv: Record<string, string> = {}): Promise<QueueWorker> {
		const name = `worker-${this.workers.length + 1}`;
		const userFolder = await fsp.mkdtemp(path.join(os.tmpdir(), `wan-vace-n8n-${name}-`));
		const unguardFolder = guardPath(userFolder);
		this.stack.push(async () => {
			await fsp.rm(userFolder, { recursive: true, force: true, maxRetries: 3 });
			unguardFolder();
		});
		await unpackTarball(this.opts.tarball, path.join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME));
		const healthPort = await freePort();
		const env = {
			...this.main.env,
			N8N_USER_FOLDER: userFolder,
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(healthPort),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			...extraEnv,
		};
		const args = [this.main.install.bin, 'worker', `--concurrency=${this.opts.concurrency ?? 10}`];
		const proc = spawnManaged(this.main.install.node, args, { cwd: userFolder, env, logFile: path.join(userFolder, 'worker.log') });
		const worker = new Worker(name, proc, healthPort);
		this.stack.push(() => worker.stop());
		this.workers.push(worker);
		await waitForWorker(worker, proc);
		return worker;
	}

	async dispose(): Promise<void> {
		for (const undo of this.stack.splice(0).reverse()) await undo().catch(() => undefined);
	}
}

class Worker implements QueueWorker {
	constructor(
		readonly name: string,
		private readonly proc: ManagedProcess & { pid?: number },
		readonly healthPort: number,
	) {}

	get pid(): number | undefined {
		return this.proc.pid;
	}

	get exited(): boolean {
		return this.proc.exited;
	}

	log(): string {
		return this.proc.output();
	}

	executions(): string[] {
		return [...this.log().matchAll(/Worker started execution (\d+)/g)].map((match) => match[1]);
	}

	peakRssBytes(): number | undefined {
		return this.exited ? undefined : procMemoryBytes(this.pid, 'VmHWM');
	}

	async crash(): Promise<void> {
		await this.proc.kill('SIGKILL');
	}

	async stop(): Promise<void> {
		await this.proc.stop();
	}
}

async function waitForWorker(worker: QueueWorker, proc: ManagedProcess): Promise<void> {
	const deadline = Date.now() + SERVER_BOOT_TIMEOUT_MS;
	while (Date.now() < deadline) {
		if (proc.exited) throw new Error(`${worker.name} exited (code ${proc.exitCode}) before it was ready\n${tail(proc.output())}`);
		try {
			const response = await httpRequest(new URL(`http://127.0.0.1:${worker.healthPort}/healthz/readiness`), { method: 'GET', timeoutMs: 2000 });
			if (response.status === 200) return;
		} catch {
			// not listening yet
		}
		await delay(200);
	}
	throw new Error(`${worker.name} was not ready within ${SERVER_BOOT_TIMEOUT_MS} ms\n${tail(proc.output())}`);
}
