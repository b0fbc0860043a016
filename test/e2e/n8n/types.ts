/** Constants and the public types of the real-n8n harness. */
import { process } from '../../support/node';

/** The n8n the harness runs: 2.41.1, or N8N_VERSION (1.123.81 is the tested 1.x; see lines.ts). */
export const N8N_VERSION = process.env.N8N_VERSION || '2.41.1';
export const PACKAGE_NAME = 'n8n-nodes-wan-vace';
/** The node type as n8n knows it once the package is loaded. */
export const WAN_VACE_NODE_TYPE = `${PACKAGE_NAME}.wanVaceInpaint`;
export const AIML_API_CREDENTIAL_TYPE = 'aimlApi';

/**
 * The instance owner every environment gets (N8N_INSTANCE_OWNER_* on 2.x, owner setup on
 * 1.x); its login secret is random per environment (`N8nEnvironment.ownerLogin`).
 */
export const OWNER = { email: 'owner@e2e.test', firstName: 'E2E', lastName: 'Owner' };

export const CLI_TIMEOUT_MS = 180_000;
export const SERVER_BOOT_TIMEOUT_MS = 120_000;
export const EXECUTION_TIMEOUT_MS = 180_000;

export interface N8nInstall {
	/** The n8n version (N8N_VERSION). */
	version: string;
	/** node_modules/.bin/n8n of the cached install. */
	bin: string;
	/** The Node binary n8n runs on (24 for 2.x, 22 for 1.x; from scripts/ensure-n8n.sh). */
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
	rest<T = unknown>(method: string, restPath: string, body?: unknown, opts?: { timeoutMs?: number }): Promise<T>;
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
	/** Waits for execution `id` to stop and returns it (pastWaiting: not at a Wait node, but finished). */
	getExecution(id: string, opts?: { timeoutMs?: number; pastWaiting?: boolean }): Promise<ExecutionResult>;
	/** Waits for an execution of the workflow newer than `afterId` to stop and returns it. */
	waitForExecution(
		workflowId: string,
		opts?: { afterId?: string; timeoutMs?: number },
	): Promise<ExecutionResult>;
	/** What the server printed so far. */
	log(): string;
	/** Peak resident memory of the server process so far (VmHWM), in bytes. */
	peakRssBytes(): number | undefined;
	/** Resident memory of the server process now (VmRSS), in bytes. */
	rssBytes(): number | undefined;
	/** Boot time (spawn → readiness + login). */
	bootMs: number;
	stop(): Promise<void>;
	/** Kills n8n with SIGKILL (a crash: no graceful shutdown); log() keeps what it printed. */
	crash(): Promise<void>;
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
