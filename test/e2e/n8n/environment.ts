/** One n8n environment: a temp user folder, its own database and ports, CLI and server. */
import { crypto, fsp, logError, os, path, process } from '../../support/node';
import { guardPath } from '../../support/process-guard';
import { buildEnv, hashOwnerSecret } from './env';
import { resolveN8nInstall } from './install';
import { binaryDataFolder, isN8n1, manualRunBody, workflowCreateBody } from './lines';
import { type ManagedProcess, assertCommand, freePort, randomWorkflowId, runCommand, spawnManaged, tail, unpackTarball } from './process';
import { RestClient } from './rest';
import { findStartNode, parseCliRun, resolveBinaryPath, toExecutionResult } from './results';
import { Server, waitForReadiness } from './server';
import {
	type BinaryRef,
	CLI_TIMEOUT_MS,
	type CommandResult,
	type CredentialImport,
	EXECUTION_TIMEOUT_MS,
	type ExecuteOptions,
	type ExecutionResult,
	type N8nEnvironment,
	type N8nEnvironmentOptions,
	type N8nInstall,
	type N8nServer,
	OWNER,
	PACKAGE_NAME,
	SERVER_BOOT_TIMEOUT_MS,
	type WorkflowImport,
} from './types';

export async function createN8nEnvironment(opts: N8nEnvironmentOptions = {}): Promise<N8nEnvironment> {
	const install = await resolveN8nInstall();
	const userFolder = await fsp.mkdtemp(path.join(os.tmpdir(), 'wan-vace-n8n-e2e-'));
	// Removed by the process guard if the test process dies before dispose().
	const unguardFolder = guardPath(userFolder);
	const n8nFolder = path.join(userFolder, '.n8n');
	const filesDir = path.join(userFolder, '.n8n-files');
	await fsp.mkdir(filesDir, { recursive: true });
	if (opts.tarball) await unpackTarball(opts.tarball, path.join(n8nFolder, 'nodes', 'node_modules', PACKAGE_NAME));

	const port = opts.port ?? (await freePort());
	// The suffix meets 1.x's owner setup rule (a digit and an upper-case letter).
	const ownerLogin = { email: OWNER.email, secret: `${crypto.randomBytes(18).toString('base64url')}A1` };
	const env = buildEnv({
		install,
		ownerSecretHash: hashOwnerSecret(install, ownerLogin.secret),
		userFolder,
		filesDir,
		port,
		brokerPort: await freePort(),
		logLevel: opts.logLevel ?? 'info',
		extra: opts.env ?? {},
	});
	return new Environment(install, userFolder, n8nFolder, filesDir, port, env, ownerLogin, unguardFolder);
}

class Environment implements N8nEnvironment {
	server?: N8nServer;

	private serverProcess?: ManagedProcess;

	private readonly credentialIds = new Map<string, string>();

	private cliQueue: Promise<unknown> = Promise.resolve();

	private readonly running = new Set<ManagedProcess>();

	private disposed = false;

	constructor(
		readonly install: N8nInstall,
		readonly userFolder: string,
		readonly n8nFolder: string,
		readonly filesDir: string,
		private port: number,
		readonly env: Record<string, string>,
		readonly ownerLogin: { email: string; secret: string },
		private readonly unguardFolder: () => void,
	) {}

	credentialId(id: string): string {
		return this.credentialIds.get(id) ?? id;
	}

	async cli(args: string[], opts: { timeoutMs?: number } = {}): Promise<CommandResult> {
		if (this.server) throw new Error(`n8n ${args[0]}: stop the server first (they share the DB and ports)`);
		this.assertLive();
		// One CLI command at a time: they share the SQLite file and the task broker port.
		const run = this.cliQueue.then(async () => {
			const result = await this.runCli(args, opts);
			if (result.code === 0 || !/EADDRINUSE/.test(result.stdout + result.stderr)) return result;
			// The free port picked for the task broker was taken meanwhile: n8n stopped while
			// booting, before running anything. Pick another one and run again.
			this.env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
			return await this.runCli(args, opts);
		});
		this.cliQueue = run.catch(() => undefined);
		return await run;
	}

	private async runCli(args: string[], opts: { timeoutMs?: number }): Promise<CommandResult> {
		return await runCommand(this.install.node, [this.install.bin, ...args], {
			cwd: this.userFolder,
			env: this.env,
			timeoutMs: opts.timeoutMs ?? CLI_TIMEOUT_MS,
			track: this.running,
		});
	}

	async importCredentials(creds: CredentialImport[]): Promise<void> {
		if (creds.length === 0) return;
		if (this.server) {
			for (const cred of creds) {
				const created = await this.server.rest<{ id: string }>('POST', '/credentials', {
					name: cred.name,
					type: cred.type,
					data: cred.data,
				});
				this.credentialIds.set(cred.id, created.id);
			}
			return;
		}
		const file = await this.writeTemp('credentials', creds);
		const result = await this.cli(['import:credentials', `--input=${file}`]);
		assertCommand(result, 'n8n import:credentials');
		for (const cred of creds) this.credentialIds.set(cred.id, cred.id);
	}

	async importWorkflow(workflow: WorkflowImport, opts: { activate?: boolean } = {}): Promise<string> {
		const [id] = await this.importWorkflows([workflow]);
		if (opts.activate) {
			if (!this.server) throw new Error('importWorkflow({ activate: true }) needs startServer() first');
			await this.server.activateWorkflow(id);
		}
		return id;
	}

	async importWorkflows(workflows: WorkflowImport[]): Promise<string[]> {
		const normalized = workflows.map((workflow) => this.normalizeWorkflow(workflow));
		if (this.server) {
			// 2.x keeps the given id; 1.x makes a new one.
			const ids: string[] = [];
			for (const workflow of normalized) {
				const created = await this.server.rest<{ id: string }>('POST', '/workflows', workflowCreateBody(this.install.version, workflow));
				ids.push(String(created.id));
			}
			return ids;
		}
		const file = await this.writeTemp('workflows', normalized);
		const result = await this.cli(['import:workflow', `--input=${file}`]);
		assertCommand(result, 'n8n import:workflow');
		return normalized.map((workflow) => String(workflow.id));
	}

	async execute(workflowId: string, opts: ExecuteOptions = {}): Promise<ExecutionResult> {
		if (this.server) return await this.executeOnServer(workflowId, opts);
		const result = await this.cli(['execute', `--id=${workflowId}`], {
			timeoutMs: opts.timeoutMs ?? EXECUTION_TIMEOUT_MS,
		});
		if (result.timedOut) {
			throw new Error(`n8n execute --id=${workflowId} timed out after ${result.durationMs} ms\n${tail(result.stdout + result.stderr)}`);
		}
		const run = parseCliRun(result.stdout);
		if (!run) {
			throw new Error(
				`n8n execute --id=${workflowId} printed no execution data (exit ${result.code})\n--- stdout\n${tail(result.stdout)}\n--- stderr\n${tail(result.stderr)}`,
			);
		}
		return toExecutionResult(run, {
			via: 'cli',
			storageDir: this.storageDir(),
			durationMs: result.durationMs,
			stdout: result.stdout,
			stderr: result.stderr,
		});
	}

	async startServer(): Promise<N8nServer> {
		if (this.server) return this.server;
		this.assertLive();
		await this.cliQueue;
		const first = await this.bootServer();
		if (first.server) return first.server;
		if (!/EADDRINUSE/.test(first.output)) throw first.error;
		// A port picked as free was taken meanwhile: pick new ones and boot again.
		this.port = await freePort();
		this.env.N8N_PORT = String(this.port);
		this.env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
		const second = await this.bootServer();
		if (second.server) return second.server;
		throw second.error;
	}

	private async bootServer(): Promise<{ server?: N8nServer; error?: Error; output: string }> {
		const started = Date.now();
		const logFile = path.join(this.userFolder, 'server.log');
		const proc = spawnManaged(this.install.node, [this.install.bin, 'start'], {
			cwd: this.userFolder,
			env: this.env,
			logFile,
		});
		this.serverProcess = proc;
		this.running.add(proc);
		const baseUrl = `http://127.0.0.1:${this.port}`;
		let failure: unknown;
		try {
			await waitForReadiness(baseUrl, proc, SERVER_BOOT_TIMEOUT_MS);
			const client = new RestClient(baseUrl, this.ownerLogin);
			if (isN8n1(this.install.version)) await client.setupOwner();
			await client.login();
			this.server = new Server(this, client, proc, baseUrl, this.port, Date.now() - started);
			return { server: this.server, output: '' };
		} catch (error) {
			failure = error;
		}
		await proc.stop();
		this.running.delete(proc);
		this.serverProcess = undefined;
		const output = proc.output();
		return { error: new Error(`${(failure as Error).message}\n--- n8n start output\n${tail(output)}`), output };
	}

	/** Called by Server.stop(). */
	async stopServer(): Promise<void> {
		const proc = this.serverProcess;
		this.server = undefined;
		this.serverProcess = undefined;
		if (proc) {
			await proc.stop();
			this.running.delete(proc);
		}
	}

	binaryFilePath(binary: BinaryRef): string | undefined {
		return resolveBinaryPath(binary, this.storageDir());
	}

	storageDir(): string {
		return path.join(this.n8nFolder, binaryDataFolder(this.install.version));
	}

	async dispose(): Promise<void> {
		if (this.disposed) return;
		this.disposed = true;
		await this.stopServer();
		await Promise.all([...this.running].map(async (proc) => await proc.stop()));
		if (process.env.WAN_VACE_E2E_KEEP === '1') {
			this.unguardFolder();
			logError(`n8n e2e: kept ${this.userFolder}`);
			return;
		}
		await fsp.rm(this.userFolder, { recursive: true, force: true, maxRetries: 3 });
		this.unguardFolder();
	}

	async executeOnServer(workflowId: string, opts: ExecuteOptions): Promise<ExecutionResult> {
		const server = this.server as Server;
		const started = Date.now();
		const workflow = await server.rest<{ nodes: Array<{ name: string; type: string }>; connections: Record<string, unknown> }>(
			'GET',
			`/workflows/${encodeURIComponent(workflowId)}`,
		);
		const startNode = opts.startNode ?? findStartNode(workflow.nodes, workflow.connections);
		const run = await server.rest<{ executionId?: string; waitingForWebhook?: boolean }>(
			'POST',
			`/workflows/${encodeURIComponent(workflowId)}/run`,
			manualRunBody(this.install.version, workflow, startNode),
		);
		if (!run.executionId) {
			throw new Error(
				`n8n did not start workflow ${workflowId} from "${startNode}" (${JSON.stringify(run)}); webhook-triggered workflows run through server.runWebhook()`,
			);
		}
		const result = await server.getExecution(run.executionId, { timeoutMs: opts.timeoutMs });
		result.durationMs = Date.now() - started;
		return result;
	}

	private normalizeWorkflow(workflow: WorkflowImport): WorkflowImport {
		const id = workflow.id ?? randomWorkflowId();
		const nodes = workflow.nodes.map((node) => {
			const copy: Record<string, unknown> = { ...node, id: node.id ?? crypto.randomUUID() };
			copy.position ??= [0, 0];
			copy.parameters ??= {};
			const credentials = node.credentials as Record<string, { id?: string; name: string }> | undefined;
			if (credentials) {
				copy.credentials = Object.fromEntries(
					Object.entries(credentials).map(([type, ref]) => [
						type,
						{ ...ref, id: ref.id === undefined ? undefined : this.credentialId(ref.id) },
					]),
				);
			}
			return copy;
		});
		return {
			...workflow,
			id,
			name: workflow.name ?? `e2e ${id}`,
			nodes,
			connections: workflow.connections,
			settings: workflow.settings ?? { executionOrder: 'v1' },
			active: false,
		};
	}

	private async writeTemp(kind: string, data: unknown): Promise<string> {
		const file = path.join(this.userFolder, `import-${kind}-${crypto.randomUUID()}.json`);
		await fsp.writeFile(file, JSON.stringify(data));
		return file;
	}

	private assertLive(): void {
		if (this.disposed) throw new Error('this n8n environment was disposed');
	}
}
