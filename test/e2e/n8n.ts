/**
 * A real n8n (the npm package, same version as CI), run headless from jest tests and from
 * scripts (`tsx`). It loads this package the way a user's n8n does: from the `npm pack`
 * tarball unpacked into `<user folder>/.n8n/nodes/node_modules/n8n-nodes-wan-vace`.
 *
 *   const bin = await ensureN8n();                     // installs n8n into the machine cache once
 *   const tarball = await packPackage();               // npm run build + npm pack
 *   const n8n = await createN8nEnvironment({ tarball }); // temp user folder, own DB, own ports
 *   await n8n.importCredentials([{ id: 'cred1', name: 'AI/ML', type: 'aimlApi', data: {...} }]);
 *   const id = await n8n.importWorkflow(workflowJson);
 *   const result = await n8n.execute(id);              // `n8n execute --id` (one n8n boot per run)
 *   result.items('Code')                               // → [{ json, binary?, pairedItem?, error? }]
 *
 *   const server = await n8n.startServer();            // `n8n start`, waits for /healthz/readiness
 *   await n8n.execute(id);                             // now a manual run through the REST API: fast
 *   await server.activateWorkflow(webhookWorkflowId);  // publish; waits until its triggers are live
 *   const { response, execution } = await server.runWebhook(webhookWorkflowId, 'my-path', { body });
 *   await n8n.dispose();                               // stops n8n, removes the temp folder
 *
 * Two ways to run a workflow, both supported by `execute()` (measured on the 2-core machine
 * with scripts/measure-n8n.ts):
 *  - without a server, `n8n execute --id` in a child process: every call boots n8n
 *    (~5 s with a Set node, ~6 s with a Code node, whose JS task runner starts too); imports
 *    are CLI commands as well (~4.5 s each, the first ~6 s as it migrates the new DB; batch
 *    workflows with importWorkflows). Good for a run or two; needs no HTTP port.
 *  - after `startServer()` (~10-12 s once), imports go through the REST API (~40 ms) and a
 *    run is a manual execution, `POST /rest/workflows/:id/run`, read back from
 *    `GET /rest/executions/:id` (~0.2 s per run on top of the workflow's own time). Webhook
 *    triggers (`Respond: When Last Node Finishes`) need the server: activateWorkflow()
 *    ~0.4 s, a webhook call ~70 ms, ~110 ms with reading its execution back.
 *  So a test file that runs more than one workflow starts one server in beforeAll.
 *
 * Everything an environment writes lives in its temp user folder: the SQLite DB
 * (`.n8n/database.sqlite`), binary data (`.n8n/storage/...`, see `binaryFilePath`), the
 * server log (`server.log`; CLI output is in each CommandResult / ExecutionResult). Set
 * WAN_VACE_E2E_KEEP=1 to keep the folder after dispose() for a post-mortem (its path is
 * logged).
 *
 * Environment variables given to n8n (see `buildEnv`): nothing reaches the internet
 * (diagnostics, version notifications, templates, banners, personalization, vetted
 * community-node list, the MCP registry module, license renewal are off), SQLite in the user
 * folder, a random encryption key per environment, 127.0.0.1 with free ports for the server
 * and for the task broker (the Code node's JS task runner; its default port 5679 would clash
 * between parallel jest workers), filesystem binary data, SSRF protection off (the
 * simulator is on 127.0.0.1), an instance owner created from env so the REST API can be
 * used without the setup screen, NODE_ENV=production (jest's NODE_ENV=test makes n8n refuse
 * to load nodes). Inherited N8N_*, DB_*, EXECUTIONS_* … variables are dropped.
 */
import {
	childProcess,
	clearTimeout,
	crypto,
	delay,
	fs,
	fsp,
	http,
	loadModule,
	logError,
	net,
	os,
	path,
	process,
	repoRoot,
	setTimeout,
} from '../support/node';

export const N8N_VERSION = '2.41.1';
export const PACKAGE_NAME = 'n8n-nodes-wan-vace';
/** The node type as n8n knows it once the package is loaded. */
export const WAN_VACE_NODE_TYPE = `${PACKAGE_NAME}.wanVaceInpaint`;
export const AIML_API_CREDENTIAL_TYPE = 'aimlApi';

/**
 * The instance owner every environment gets (N8N_INSTANCE_OWNER_*); its login secret is
 * random per environment (`N8nEnvironment.ownerLogin`), hashed with n8n's own bcryptjs.
 */
export const OWNER = { email: 'owner@e2e.test', firstName: 'E2E', lastName: 'Owner' };

const CLI_TIMEOUT_MS = 180_000;
const SERVER_BOOT_TIMEOUT_MS = 120_000;
const EXECUTION_TIMEOUT_MS = 180_000;

// ---------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------

export interface N8nInstall {
	/** node_modules/.bin/n8n of the cached install. */
	bin: string;
	/** The Node >= 24 binary n8n runs on (from scripts/node24.sh). */
	node: string;
}

export interface CommandResult {
	code: number | null;
	signal: string | null;
	stdout: string;
	stderr: string;
	durationMs: number;
	timedOut: boolean;
}

export interface CredentialImport {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

/** A workflow as exported by n8n; `id`, `name`, node `id`s and `settings` are filled in if missing. */
export interface WorkflowImport {
	id?: string;
	name?: string;
	nodes: Array<Record<string, unknown>>;
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

export interface BinaryRef {
	mimeType?: string;
	fileName?: string;
	fileExtension?: string;
	fileType?: string;
	/** Human-readable size ("5 kB"); `bytes` is the exact one. */
	fileSize?: string;
	bytes?: number;
	/** `filesystem-v2:workflows/<wf>/executions/<ex>/binary_data/<uuid>` in filesystem mode. */
	id?: string;
	/** Base64 content when stored inline, else the storage mode name. */
	data?: string;
	/** Absolute path of the stored file (filesystem mode), resolved against the user folder. */
	filePath?: string;
	[key: string]: unknown;
}

export interface ResultItem {
	json: Record<string, unknown>;
	binary?: Record<string, BinaryRef>;
	pairedItem?: unknown;
	error?: unknown;
}

export interface ExecutionErrorInfo {
	message: string;
	description?: string;
	name?: string;
	/** Name of the node that failed, when n8n says. */
	node?: string;
	httpCode?: string;
	raw: Record<string, unknown>;
}

export interface NodeRunResult {
	status?: string;
	startTime?: number;
	executionTime?: number;
	/** Items per output (outputs[0] is the main output). */
	outputs: ResultItem[][];
	error?: ExecutionErrorInfo;
	hints?: unknown[];
	raw: Record<string, unknown>;
}

export interface ExecutionResult {
	via: 'cli' | 'server';
	/** Set for server runs (the CLI does not print it). */
	executionId?: string;
	/** n8n's execution status: success, error, crashed, canceled, waiting … */
	status: string;
	finished: boolean;
	mode?: string;
	/** The workflow-level error (the execution failed), if any. */
	error?: ExecutionErrorInfo;
	lastNodeExecuted?: string;
	/** Every node that ran, with one entry per run. */
	nodes: Record<string, NodeRunResult[]>;
	/** Names of the nodes that ran. */
	nodeNames(): string[];
	/** Items a node output (run 0, output 0 by default); [] when the node did not run. */
	items(node: string, opts?: { run?: number; output?: number }): ResultItem[];
	/** Just the json of items(node, opts). */
	json(node: string, opts?: { run?: number; output?: number }): Array<Record<string, unknown>>;
	/** The error a node run stopped on (not continue-on-fail items), if any. */
	nodeError(node: string, run?: number): ExecutionErrorInfo | undefined;
	/** The full IRun-like object n8n returned (data.resultData.runData …). */
	raw: Record<string, unknown>;
	durationMs: number;
	stdout: string;
	stderr: string;
}

export interface WebhookResponse {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
	text(): string;
	json<T = unknown>(): T;
}

export interface WebhookCall {
	method?: string;
	body?: unknown;
	headers?: Record<string, string>;
	query?: Record<string, string>;
	timeoutMs?: number;
}

export interface N8nServer {
	baseUrl: string;
	port: number;
	/** Production webhook URL for a Webhook node path. */
	webhookUrl(webhookPath: string): string;
	/** Authenticated call to n8n's internal REST API (`/rest/...`); returns `data`. */
	rest<T = unknown>(method: string, restPath: string, body?: unknown): Promise<T>;
	/** Authenticated GET of any server path (e.g. `/types/nodes.json`), parsed as JSON. */
	getJson<T = unknown>(serverPath: string): Promise<T>;
	/** Publishes (activates) a workflow and waits until all its triggers are live. */
	activateWorkflow(workflowId: string, opts?: { timeoutMs?: number }): Promise<void>;
	deactivateWorkflow(workflowId: string): Promise<void>;
	/** Calls a production webhook; returns the raw HTTP response. */
	callWebhook(webhookPath: string, call?: WebhookCall): Promise<WebhookResponse>;
	/** Calls a workflow's webhook and returns the response and the execution it produced. */
	runWebhook(
		workflowId: string,
		webhookPath: string,
		call?: WebhookCall,
	): Promise<{ response: WebhookResponse; execution: ExecutionResult }>;
	/** The newest execution id of a workflow (undefined if none). */
	lastExecutionId(workflowId: string): Promise<string | undefined>;
	/** Waits for execution `id` to stop and returns it. */
	getExecution(id: string, opts?: { timeoutMs?: number }): Promise<ExecutionResult>;
	/** Waits for an execution of the workflow newer than `afterId` to stop and returns it. */
	waitForExecution(
		workflowId: string,
		opts?: { afterId?: string; timeoutMs?: number },
	): Promise<ExecutionResult>;
	/** What the server printed so far. */
	log(): string;
	/** Boot time (spawn → readiness + login). */
	bootMs: number;
	stop(): Promise<void>;
}

export interface N8nEnvironmentOptions {
	/** Package tarball (packPackage()) to install as a community package; omit for plain n8n. */
	tarball?: string;
	/** Server port (default: a free one). */
	port?: number;
	/** Extra / overriding environment variables for n8n. */
	env?: Record<string, string>;
	/** N8N_LOG_LEVEL (default info: the CLI prints a failed execution's data at info). */
	logLevel?: 'error' | 'warn' | 'info' | 'debug';
}

export interface ExecuteOptions {
	timeoutMs?: number;
	/** Server runs: the trigger to start from (default: the manual trigger / first root node). */
	startNode?: string;
}

export interface N8nEnvironment {
	userFolder: string;
	/** `<userFolder>/.n8n`. */
	n8nFolder: string;
	/**
	 * `<userFolder>/.n8n-files`: the folder Read/Write Files nodes may use (test/fixtures is
	 * allowed too). n8n runs in the user folder, so a workflow path `.n8n-files/x.mp4` lands
	 * here, as it lands in n8n 2.x's default allowed folder `~/.n8n-files` for an n8n started
	 * in the home folder (the Docker image).
	 */
	filesDir: string;
	env: Record<string, string>;
	install: N8nInstall;
	/** Login of the instance owner (for the REST API or a browser). */
	ownerLogin: { email: string; secret: string };
	/** The running server, if started. */
	server?: N8nServer;
	/**
	 * Imports credentials (data in clear; n8n encrypts it). Before startServer() through
	 * `n8n import:credentials` (ids kept); afterwards through REST, where n8n assigns new ids:
	 * the environment maps them and rewrites the references of workflows imported later.
	 */
	importCredentials(creds: CredentialImport[]): Promise<void>;
	/** The id n8n uses for a credential imported under `id`. */
	credentialId(id: string): string;
	/** Imports one workflow; returns its id. `activate` needs the server. */
	importWorkflow(workflow: WorkflowImport, opts?: { activate?: boolean }): Promise<string>;
	/** Imports several workflows with one CLI boot (or REST calls); returns their ids. */
	importWorkflows(workflows: WorkflowImport[]): Promise<string[]>;
	/** Runs a workflow: through the server if started, else `n8n execute --id`. */
	execute(workflowId: string, opts?: ExecuteOptions): Promise<ExecutionResult>;
	/** Runs any n8n CLI command (not while the server runs). */
	cli(args: string[], opts?: { timeoutMs?: number }): Promise<CommandResult>;
	startServer(): Promise<N8nServer>;
	/** Absolute path of a binary property's file (filesystem mode). */
	binaryFilePath(binary: BinaryRef): string | undefined;
	dispose(): Promise<void>;
}

// ---------------------------------------------------------------------------------------
// Install, pack
// ---------------------------------------------------------------------------------------

let installPromise: Promise<N8nInstall> | undefined;

/**
 * Runs scripts/ensure-n8n.sh (installs n8n into the machine cache on first use: several
 * minutes cold, well under a second warm) and returns the path of the n8n binary.
 */
export async function ensureN8n(): Promise<string> {
	return (await resolveN8nInstall()).bin;
}

/** Like ensureN8n(), plus the Node 24 binary to run it with. Cached per process. */
export async function resolveN8nInstall(): Promise<N8nInstall> {
	installPromise ??= (async () => {
		const script = path.join(repoRoot, 'scripts', 'ensure-n8n.sh');
		const ensure = await runCommand('bash', [script], {
			env: process.env as Record<string, string>,
			timeoutMs: 30 * 60_000, // two npm tries of at most 12 min each (ensure-n8n.sh)
			inheritStderr: true,
		});
		const bin = lastLine(ensure.stdout);
		if (ensure.code !== 0 || !bin) {
			throw new Error(`scripts/ensure-n8n.sh failed (exit ${ensure.code}):\n${ensure.stderr}`);
		}
		const node24 = await runCommand(
			'bash',
			['-c', '. "$1" >&2 && command -v node', 'node24', path.join(repoRoot, 'scripts', 'node24.sh')],
			{ env: process.env as Record<string, string>, timeoutMs: 10 * 60_000 },
		);
		const node = lastLine(node24.stdout);
		if (node24.code !== 0 || !node) throw new Error(`scripts/node24.sh failed:\n${node24.stderr}`);
		return { bin, node };
	})();
	const pending = installPromise;
	pending.catch(() => {
		if (installPromise === pending) installPromise = undefined; // let a later call retry
	});
	return await pending;
}

/**
 * Builds the package (`npm run build`, unless `build: false` or WAN_VACE_E2E_SKIP_BUILD=1)
 * and packs it into `destination` (default: a fresh temp folder, which the caller removes
 * when done: `path.dirname(tarball)`); returns the tarball path. Builds are serialised
 * across processes (parallel jest workers) with flock.
 */
export async function packPackage(opts: { build?: boolean; destination?: string } = {}): Promise<string> {
	const build = opts.build ?? process.env.WAN_VACE_E2E_SKIP_BUILD !== '1';
	const destination = opts.destination ?? (await fsp.mkdtemp(path.join(os.tmpdir(), 'wan-vace-pack-')));
	const lockFile = path.join(os.tmpdir(), `${PACKAGE_NAME}-build.lock`);
	const steps = [
		build ? 'npm run build >&2' : ':',
		'npm pack --ignore-scripts --json --pack-destination "$1"',
	].join(' && ');
	const result = await runCommand('flock', [lockFile, 'bash', '-c', steps, 'pack', destination], {
		cwd: repoRoot,
		env: process.env as Record<string, string>,
		timeoutMs: 10 * 60_000,
	});
	if (result.code !== 0) {
		throw new Error(`npm run build / npm pack failed (exit ${result.code}):\n${result.stderr}\n${result.stdout}`);
	}
	const packed = JSON.parse(result.stdout) as Array<{ filename: string }>;
	const tarball = path.join(destination, packed[0].filename);
	if (!fs.existsSync(tarball)) throw new Error(`npm pack did not write ${tarball}`);
	return tarball;
}

// ---------------------------------------------------------------------------------------
// Environment
// ---------------------------------------------------------------------------------------

export async function createN8nEnvironment(opts: N8nEnvironmentOptions = {}): Promise<N8nEnvironment> {
	const install = await resolveN8nInstall();
	const userFolder = await fsp.mkdtemp(path.join(os.tmpdir(), 'wan-vace-n8n-e2e-'));
	const n8nFolder = path.join(userFolder, '.n8n');
	const filesDir = path.join(userFolder, '.n8n-files');
	await fsp.mkdir(filesDir, { recursive: true });
	if (opts.tarball) await unpackTarball(opts.tarball, path.join(n8nFolder, 'nodes', 'node_modules', PACKAGE_NAME));

	const port = opts.port ?? (await freePort());
	const ownerLogin = { email: OWNER.email, secret: crypto.randomBytes(18).toString('base64url') };
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
	return new Environment(install, userFolder, n8nFolder, filesDir, port, env, ownerLogin);
}

/** bcrypt hash (what N8N_INSTANCE_OWNER_PASSWORD_HASH wants), made with n8n's bcryptjs. */
function hashOwnerSecret(install: N8nInstall, secret: string): string {
	const bcryptjs = path.join(path.dirname(path.dirname(path.dirname(install.bin))), 'node_modules', 'bcryptjs');
	const bcrypt = loadModule(bcryptjs) as { hashSync(value: string, rounds: number): string };
	return bcrypt.hashSync(secret, 8);
}

/** The variables n8n runs with; the header comment says why each group is there. */
function buildEnv(p: {
	install: N8nInstall;
	ownerSecretHash: string;
	userFolder: string;
	filesDir: string;
	port: number;
	brokerPort: number;
	logLevel: string;
	extra: Record<string, string>;
}): Record<string, string> {
	const dropped = /^(N8N_|DB_|EXECUTIONS_|QUEUE_|WEBHOOK_URL$|GENERIC_TIMEZONE$|CREDENTIALS_|NODES_|NODE_ENV$|NODE_OPTIONS$|JEST_|E2E_TESTS$)/;
	const inherited: Record<string, string> = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (value !== undefined && !dropped.test(key)) inherited[key] = value;
	}
	const nodeDir = path.dirname(p.install.node);
	return {
		...inherited,
		PATH: `${nodeDir}${path.delimiter}${inherited.PATH ?? ''}`,
		NODE_ENV: 'production',
		GENERIC_TIMEZONE: 'UTC',
		TZ: 'UTC',
		// Where everything lives: one temp folder, SQLite in it.
		N8N_USER_FOLDER: p.userFolder,
		DB_TYPE: 'sqlite',
		N8N_ENCRYPTION_KEY: crypto.randomBytes(24).toString('hex'),
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		// Network: loopback only, free ports (server and the Code node's task broker).
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_PORT: String(p.port),
		N8N_SECURE_COOKIE: 'false',
		N8N_RUNNERS_MODE: 'internal',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(p.brokerPort),
		// Nothing that calls the internet.
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false', // else n8n fetches the vetted node list from api.n8n.io
		N8N_REINSTALL_MISSING_PACKAGES: 'false', // never npm-install anything
		N8N_DISABLED_MODULES: 'mcp-registry', // fetches api.n8n.io/api/mcp-servers at start
		// Community packages: load what is in .n8n/nodes/node_modules (our package).
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_COMMUNITY_PACKAGES_PREVENT_LOADING: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		// Executions: binary data on disk, every execution kept and readable afterwards.
		N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
		EXECUTIONS_DATA_PRUNE: 'false',
		N8N_SSRF_PROTECTION_ENABLED: 'false', // the API simulator listens on 127.0.0.1
		N8N_RESTRICT_FILE_ACCESS_TO: [p.filesDir, path.join(repoRoot, 'test', 'fixtures')].join(';'),
		// The owner, so the REST API works without the setup screen.
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: OWNER.email,
		N8N_INSTANCE_OWNER_PASSWORD_HASH: p.ownerSecretHash,
		N8N_INSTANCE_OWNER_FIRST_NAME: OWNER.firstName,
		N8N_INSTANCE_OWNER_LAST_NAME: OWNER.lastName,
		// Logs: plain text on stdout; info so a failed CLI execution prints its data.
		N8N_LOG_LEVEL: p.logLevel,
		N8N_LOG_OUTPUT: 'console',
		N8N_LOG_FORMAT: 'text',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
		...p.extra,
	};
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
			for (const workflow of normalized) {
				const body: Record<string, unknown> = { ...workflow };
				delete body.active;
				await this.server.rest('POST', '/workflows', body);
			}
		} else {
			const file = await this.writeTemp('workflows', normalized);
			const result = await this.cli(['import:workflow', `--input=${file}`]);
			assertCommand(result, 'n8n import:workflow');
		}
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
		return path.join(this.n8nFolder, 'storage');
	}

	async dispose(): Promise<void> {
		if (this.disposed) return;
		this.disposed = true;
		await this.stopServer();
		await Promise.all([...this.running].map(async (proc) => await proc.stop()));
		if (process.env.WAN_VACE_E2E_KEEP === '1') {
			logError(`n8n e2e: kept ${this.userFolder}`);
			return;
		}
		await fsp.rm(this.userFolder, { recursive: true, force: true, maxRetries: 3 });
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
			{ triggerToStartFrom: { name: startNode } },
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

// ---------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------

const TERMINAL_STATUSES = new Set(['success', 'error', 'crashed', 'canceled', 'waiting']);

class Server implements N8nServer {
	constructor(
		private readonly environment: Environment,
		private readonly client: RestClient,
		private readonly proc: ManagedProcess,
		readonly baseUrl: string,
		readonly port: number,
		readonly bootMs: number,
	) {}

	webhookUrl(webhookPath: string): string {
		return `${this.baseUrl}/webhook/${webhookPath.replace(/^\/+/, '')}`;
	}

	async rest<T = unknown>(method: string, restPath: string, body?: unknown): Promise<T> {
		return await this.client.call<T>(method, restPath, body);
	}

	async getJson<T = unknown>(serverPath: string): Promise<T> {
		return await this.client.getJson<T>(serverPath);
	}

	async activateWorkflow(workflowId: string, opts: { timeoutMs?: number } = {}): Promise<void> {
		const id = encodeURIComponent(workflowId);
		const workflow = await this.rest<{ versionId: string }>('GET', `/workflows/${id}`);
		await this.rest('POST', `/workflows/${id}/activate`, { versionId: workflow.versionId });
		// Publication is asynchronous: wait until this version's triggers are registered.
		const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
		let status: PublicationStatus | undefined;
		while (Date.now() < deadline) {
			status = await this.rest<PublicationStatus>('GET', `/workflows/${id}/publication-status`);
			const failed = status.triggers?.find((trigger) => trigger.status === 'error' || trigger.errorMessage);
			if (failed) throw new Error(`activating workflow ${workflowId} failed: ${failed.errorMessage ?? JSON.stringify(failed)}`);
			const live =
				status.status === 'published' &&
				status.liveVersionId === workflow.versionId &&
				!status.pendingVersionId &&
				(status.triggers ?? []).every((trigger) => trigger.status === 'activated');
			if (live) return;
			await delay(100);
		}
		throw new Error(`workflow ${workflowId} was not published in time: ${JSON.stringify(status)}`);
	}

	async deactivateWorkflow(workflowId: string): Promise<void> {
		await this.rest('POST', `/workflows/${encodeURIComponent(workflowId)}/deactivate`, {});
	}

	async callWebhook(webhookPath: string, call: WebhookCall = {}): Promise<WebhookResponse> {
		const url = new URL(this.webhookUrl(webhookPath));
		for (const [key, value] of Object.entries(call.query ?? {})) url.searchParams.set(key, value);
		const headers: Record<string, string> = { ...(call.headers ?? {}) };
		let payload: Buffer | undefined;
		if (call.body !== undefined) {
			if (Buffer.isBuffer(call.body)) {
				payload = call.body;
			} else if (typeof call.body === 'string') {
				payload = Buffer.from(call.body);
			} else {
				payload = Buffer.from(JSON.stringify(call.body));
				headers['content-type'] ??= 'application/json';
			}
		}
		const response = await httpRequest(url, {
			method: call.method ?? 'POST',
			headers,
			body: payload,
			timeoutMs: call.timeoutMs ?? EXECUTION_TIMEOUT_MS,
		});
		return {
			...response,
			text: () => response.body.toString('utf8'),
			json: <T>() => JSON.parse(response.body.toString('utf8')) as T,
		};
	}

	async runWebhook(
		workflowId: string,
		webhookPath: string,
		call: WebhookCall = {},
	): Promise<{ response: WebhookResponse; execution: ExecutionResult }> {
		const afterId = await this.lastExecutionId(workflowId);
		const response = await this.callWebhook(webhookPath, call);
		const execution = await this.waitForExecution(workflowId, { afterId, timeoutMs: call.timeoutMs });
		return { response, execution };
	}

	async lastExecutionId(workflowId: string): Promise<string | undefined> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const list = await this.rest<{ results: Array<{ id: string }> }>('GET', `/executions?filter=${filter}&limit=1`);
		return list.results[0]?.id;
	}

	async waitForExecution(
		workflowId: string,
		opts: { afterId?: string; timeoutMs?: number } = {},
	): Promise<ExecutionResult> {
		const deadline = Date.now() + (opts.timeoutMs ?? EXECUTION_TIMEOUT_MS);
		while (Date.now() < deadline) {
			const id = await this.lastExecutionId(workflowId);
			if (id !== undefined && (opts.afterId === undefined || Number(id) > Number(opts.afterId))) {
				return await this.getExecution(id, { timeoutMs: deadline - Date.now() });
			}
			await delay(100);
		}
		throw new Error(`no new execution of workflow ${workflowId} after ${opts.afterId ?? 'none'}`);
	}

	async getExecution(id: string, opts: { timeoutMs?: number } = {}): Promise<ExecutionResult> {
		const started = Date.now();
		const deadline = started + (opts.timeoutMs ?? EXECUTION_TIMEOUT_MS);
		let pollMs = 50;
		for (;;) {
			const execution = await this.rest<RestExecution>('GET', `/executions/${encodeURIComponent(id)}`);
			const done = execution.finished || TERMINAL_STATUSES.has(execution.status);
			if (done && execution.data) {
				const data = typeof execution.data === 'string' ? parseFlatted(execution.data) : execution.data;
				return toExecutionResult(
					{ ...execution, data },
					{
						via: 'server',
						executionId: String(execution.id),
						storageDir: this.environment.storageDir(),
						durationMs: Date.now() - started,
						stdout: '',
						stderr: '',
					},
				);
			}
			if (Date.now() > deadline) throw new Error(`execution ${id} still ${execution.status} after ${opts.timeoutMs ?? EXECUTION_TIMEOUT_MS} ms`);
			await delay(pollMs);
			pollMs = Math.min(pollMs * 2, 500);
		}
	}

	log(): string {
		return this.proc.output();
	}

	async stop(): Promise<void> {
		await this.environment.stopServer();
	}
}

interface PublicationStatus {
	status?: string;
	liveVersionId?: string | null;
	pendingVersionId?: string | null;
	triggers?: Array<{ nodeId: string; status: string; errorMessage?: string | null }>;
}

interface RestExecution {
	id: string;
	finished: boolean;
	status: string;
	mode?: string;
	data?: unknown;
	[key: string]: unknown;
}

/** Cookie-authenticated client of n8n's internal REST API (/rest). */
class RestClient {
	private cookie = '';

	private readonly browserId = crypto.randomUUID();

	constructor(
		private readonly baseUrl: string,
		private readonly owner: { email: string; secret: string },
	) {}

	async login(): Promise<void> {
		const response = await this.raw('POST', '/login', {
			emailOrLdapLoginId: this.owner.email,
			password: this.owner.secret,
		});
		if (response.status !== 200) throw new Error(`login to n8n failed: ${response.status} ${response.body.toString()}`);
		const setCookie = response.headers['set-cookie'] ?? [];
		const auth = (Array.isArray(setCookie) ? setCookie : [setCookie]).find((c) => c.startsWith('n8n-auth='));
		if (!auth) throw new Error('n8n login returned no n8n-auth cookie');
		this.cookie = auth.split(';')[0];
	}

	async getJson<T>(serverPath: string): Promise<T> {
		const response = await this.raw('GET', serverPath, undefined, '');
		const text = response.body.toString('utf8');
		if (response.status >= 400) throw new Error(`n8n GET ${serverPath}: ${response.status} ${text.slice(0, 2000)}`);
		return JSON.parse(text) as T;
	}

	async call<T>(method: string, restPath: string, body?: unknown): Promise<T> {
		const response = await this.raw(method, restPath, body);
		const text = response.body.toString('utf8');
		if (response.status >= 400) throw new Error(`n8n ${method} /rest${restPath}: ${response.status} ${text.slice(0, 2000)}`);
		const parsed = text ? (JSON.parse(text) as { data?: T }) : {};
		return (parsed.data ?? parsed) as T;
	}

	private async raw(method: string, restPath: string, body?: unknown, prefix = '/rest') {
		const headers: Record<string, string> = { 'browser-id': this.browserId };
		if (this.cookie) headers.cookie = this.cookie;
		let payload: Buffer | undefined;
		if (body !== undefined) {
			payload = Buffer.from(JSON.stringify(body));
			headers['content-type'] = 'application/json';
		}
		return await httpRequest(new URL(`${this.baseUrl}${prefix}${restPath}`), {
			method,
			headers,
			body: payload,
			timeoutMs: 60_000,
		});
	}
}

async function waitForReadiness(baseUrl: string, proc: ManagedProcess, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (proc.exited) throw new Error(`n8n start exited (code ${proc.exitCode}) before it was ready`);
		try {
			const response = await httpRequest(new URL(`${baseUrl}/healthz/readiness`), { method: 'GET', timeoutMs: 2000 });
			if (response.status === 200) return;
		} catch {
			// not listening yet
		}
		await delay(100);
	}
	throw new Error(`n8n was not ready within ${timeoutMs} ms`);
}

// ---------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------

/**
 * Finds the execution JSON in `n8n execute` output: after the log lines n8n prints the
 * IRun as indented JSON (on success after "Execution was successful:", on failure through
 * the logger at info level), starting with a line "{" and ending with a line "}".
 */
export function parseCliRun(stdout: string): Record<string, unknown> | undefined {
	const lines = stripAnsi(stdout).split('\n');
	let found: Record<string, unknown> | undefined;
	for (let start = 0; start < lines.length; start++) {
		if (lines[start].trimEnd() !== '{') continue;
		for (let end = start + 1; end < lines.length; end++) {
			if (lines[end].trimEnd() !== '}') continue;
			try {
				const candidate = JSON.parse(lines.slice(start, end + 1).join('\n')) as Record<string, unknown>;
				if (isRecord(candidate.data) && isRecord(candidate.data.resultData)) found = candidate;
			} catch {
				continue;
			}
			start = end;
			break;
		}
	}
	return found;
}

/** Decodes n8n's `flatted` serialization (how GET /rest/executions/:id returns `data`). */
export function parseFlatted(text: string): unknown {
	const table = JSON.parse(text) as unknown[];
	const revived = new Map<number, unknown>();
	const revive = (index: number): unknown => {
		const value = table[index];
		if (typeof value !== 'object' || value === null) return value;
		if (revived.has(index)) return revived.get(index);
		const out: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
		revived.set(index, out);
		for (const [key, entry] of Object.entries(value)) {
			(out as Record<string, unknown>)[key] = typeof entry === 'string' ? revive(Number(entry)) : entry;
		}
		return out;
	};
	return revive(0);
}

function toExecutionResult(
	run: Record<string, unknown>,
	meta: {
		via: 'cli' | 'server';
		executionId?: string;
		storageDir: string;
		durationMs: number;
		stdout: string;
		stderr: string;
	},
): ExecutionResult {
	const data = (run.data ?? {}) as Record<string, unknown>;
	const resultData = (data.resultData ?? {}) as Record<string, unknown>;
	const runData = (resultData.runData ?? {}) as Record<string, Array<Record<string, unknown>>>;
	const nodes: Record<string, NodeRunResult[]> = {};
	for (const [name, runs] of Object.entries(runData)) {
		nodes[name] = runs.map((nodeRun) => {
			const main = ((nodeRun.data as Record<string, unknown> | undefined)?.main ?? []) as Array<Array<Record<string, unknown>> | null>;
			return {
				status: nodeRun.executionStatus as string | undefined,
				startTime: nodeRun.startTime as number | undefined,
				executionTime: nodeRun.executionTime as number | undefined,
				outputs: main.map((output) => (output ?? []).map((item) => toResultItem(item, meta.storageDir))),
				error: toErrorInfo(nodeRun.error),
				hints: nodeRun.hints as unknown[] | undefined,
				raw: nodeRun,
			};
		});
	}
	const status = String(run.status ?? (resultData.error ? 'error' : 'success'));
	const items = (node: string, opts: { run?: number; output?: number } = {}) =>
		nodes[node]?.[opts.run ?? 0]?.outputs[opts.output ?? 0] ?? [];
	return {
		via: meta.via,
		executionId: meta.executionId,
		status,
		finished: Boolean(run.finished ?? status === 'success'),
		mode: run.mode as string | undefined,
		error: toErrorInfo(resultData.error),
		lastNodeExecuted: resultData.lastNodeExecuted as string | undefined,
		nodes,
		nodeNames: () => Object.keys(nodes),
		items,
		json: (node, opts) => items(node, opts).map((item) => item.json),
		nodeError: (node, runIndex = 0) => nodes[node]?.[runIndex]?.error,
		raw: run,
		durationMs: meta.durationMs,
		stdout: meta.stdout,
		stderr: meta.stderr,
	};
}

function toResultItem(item: Record<string, unknown>, storageDir: string): ResultItem {
	const result: ResultItem = { json: (item.json ?? {}) as Record<string, unknown> };
	if (isRecord(item.binary)) {
		result.binary = {};
		for (const [key, value] of Object.entries(item.binary)) {
			const ref = { ...(value as BinaryRef) };
			const filePath = resolveBinaryPath(ref, storageDir);
			if (filePath) ref.filePath = filePath;
			result.binary[key] = ref;
		}
	}
	if (item.pairedItem !== undefined) result.pairedItem = item.pairedItem;
	if (item.error !== undefined) result.error = item.error;
	return result;
}

function toErrorInfo(error: unknown): ExecutionErrorInfo | undefined {
	if (!isRecord(error)) return undefined;
	const node = isRecord(error.node) ? (error.node.name as string | undefined) : undefined;
	return {
		message: String(error.message ?? ''),
		description: (error.description as string | null | undefined) ?? undefined,
		name: error.name as string | undefined,
		node,
		httpCode: (error.httpCode as string | null | undefined) ?? undefined,
		raw: error,
	};
}

/**
 * Where a binary property's bytes are on disk: n8n's filesystem mode stores
 * `<mode>:<file id>` in `binary.id` and the file at `<user folder>/.n8n/storage/<file id>`
 * (e.g. storage/workflows/<wf>/executions/<ex>/binary_data/<uuid>, with a .metadata JSON
 * beside it).
 */
function resolveBinaryPath(binary: BinaryRef, storageDir: string): string | undefined {
	if (typeof binary.id !== 'string') return undefined;
	const separator = binary.id.indexOf(':');
	if (separator < 0) return undefined;
	const mode = binary.id.slice(0, separator);
	if (!mode.startsWith('filesystem')) return undefined;
	return path.join(storageDir, binary.id.slice(separator + 1));
}

function findStartNode(nodes: Array<{ name: string; type: string }>, connections: Record<string, unknown>): string {
	const manual = nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger');
	if (manual) return manual.name;
	const targets = new Set<string>();
	for (const outputs of Object.values(connections)) {
		for (const connectionsOfType of Object.values(outputs as Record<string, unknown[][]>)) {
			for (const output of connectionsOfType ?? []) {
				for (const connection of output ?? []) targets.add((connection as { node: string }).node);
			}
		}
	}
	const root = nodes.find((node) => !targets.has(node.name));
	if (!root) throw new Error('cannot tell which node starts this workflow; pass opts.startNode');
	return root.name;
}

// ---------------------------------------------------------------------------------------
// Processes, HTTP, files
// ---------------------------------------------------------------------------------------

interface ManagedProcess {
	exited: boolean;
	exitCode: number | null;
	output(): string;
	stop(): Promise<void>;
	done: Promise<void>;
}

/** Spawns a process in its own process group (so n8n's task runner children die with it). */
function spawnManaged(
	command: string,
	args: string[],
	opts: { cwd?: string; env: Record<string, string>; logFile?: string; inheritStderr?: boolean },
): ManagedProcess & { stdout: () => string; stderr: () => string; signal: () => string | null } {
	const child = childProcess.spawn(command, args, {
		cwd: opts.cwd,
		env: opts.env,
		detached: true,
		stdio: ['ignore', 'pipe', opts.inheritStderr ? 'inherit' : 'pipe'],
	});
	const out: Buffer[] = [];
	const err: Buffer[] = [];
	const both: Buffer[] = [];
	const log = opts.logFile ? fs.createWriteStream(opts.logFile) : undefined;
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
			resolve();
		});
		child.on('error', (error) => {
			both.push(Buffer.from(`spawn error: ${error.message}\n`));
			state.exited = true;
			log?.end();
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
		async stop() {
			if (state.exited) {
				killGroup('SIGKILL'); // stray grandchildren
				return;
			}
			killGroup('SIGTERM');
			// n8n shuts down gracefully (N8N_GRACEFUL_SHUTDOWN_TIMEOUT=5); SIGKILL after 10 s.
			const timer = setTimeout(() => killGroup('SIGKILL'), 10_000);
			await done;
			clearTimeout(timer);
			killGroup('SIGKILL'); // stray grandchildren (task runners)
		},
	};
}

async function runCommand(
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

function httpRequest(
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

async function unpackTarball(tarball: string, destination: string): Promise<void> {
	await fsp.mkdir(destination, { recursive: true });
	const result = await runCommand('tar', ['-xzf', tarball, '-C', destination, '--strip-components=1'], {
		env: process.env as Record<string, string>,
		timeoutMs: 60_000,
	});
	assertCommand(result, `tar -xzf ${tarball}`);
}

function assertCommand(result: CommandResult, what: string): void {
	if (result.code === 0) return;
	throw new Error(`${what} failed (exit ${result.code}${result.timedOut ? ', timed out' : ''})\n--- stdout\n${tail(result.stdout)}\n--- stderr\n${tail(result.stderr)}`);
}

function randomWorkflowId(): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	return Array.from(crypto.randomBytes(16), (byte) => alphabet[byte % alphabet.length]).join('');
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stripAnsi(text: string): string {
	// eslint-disable-next-line no-control-regex
	return text.replace(/\u001b\[[0-9;]*m/g, '');
}

function lastLine(text: string): string {
	return text.trim().split('\n').pop()?.trim() ?? '';
}

function tail(text: string, max = 6000): string {
	return text.length > max ? `…${text.slice(-max)}` : text;
}
