import './env';

import { Container } from '@n8n/di';
import {
	BinaryDataService,
	ExecutionLifecycleHooks,
	WorkflowExecute,
} from 'n8n-core';
import type {
	IBinaryData,
	ICredentialDataDecryptedObject,
	IDataObject,
	ICredentialType,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IConnections,
	IRun,
	IRunExecutionData,
	ITaskData,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	IWorkflowBase,
	Workflow as WorkflowType,
} from 'n8n-workflow';
import {
	ICredentialsHelper,
	NodeConnectionTypes,
	NodeHelpers,
	Workflow,
	isExpression,
} from 'n8n-workflow';

import type { AimlApi as AimlApiClass } from '../../credentials/AimlApi.credentials';
import type { WanVaceInpaint as WanVaceInpaintClass } from '../../nodes/WanVace/WanVaceInpaint.node';
import { clearTimeout, fs, loadModule, path, repoRoot, setTimeout } from '../support/node';

/** The node and credential as they ship: loaded from dist/ (run `npm run build` first). */
function loadBuilt<T>(relativePath: string, exportName: string): T {
	const file = path.join(repoRoot, 'dist', relativePath);
	if (!fs.existsSync(file)) throw new TypeError(`${file} is missing: run \`npm run build\` first`);
	return (loadModule(file) as Record<string, T>)[exportName];
}

const WanVaceInpaint = loadBuilt<typeof WanVaceInpaintClass>('nodes/WanVace/WanVaceInpaint.node.js', 'WanVaceInpaint');
const AimlApi = loadBuilt<typeof AimlApiClass>('credentials/AimlApi.credentials.js', 'AimlApi');

/**
 * Runs workflows in-process with n8n-core's real execution engine (WorkflowExecute): the
 * node gets n8n's real IExecuteFunctions, its real HTTP helpers (httpRequestWithAuthentication
 * → the credential's `authenticate`), real binary data storage (filesystem mode), real
 * continue-on-fail handling and real cancellation. Only the credential store is ours.
 */

export const NODE_TYPE = 'n8n-nodes-wan-vace.wanVaceInpaint';
export const SOURCE_NODE_TYPE = 'test.itemSource';

export interface InputBinary {
	/** The file's bytes; or `path` (streamed into the store) or `base64` (held as is). */
	data?: Buffer;
	/** A file on disk, streamed into n8n's binary store (never whole in memory). */
	path?: string;
	/** Memory mode: this base64 text is the item's binary data as is (shared, not copied). */
	base64?: string;
	mimeType: string;
	fileName?: string;
	/** Held in the item as base64, as n8n's default (memory) binary mode does, not stored. */
	inline?: boolean;
}

function inputBinary(file: InputBinary): IBinaryData | undefined {
	if (file.base64 !== undefined) return { data: file.base64, mimeType: file.mimeType, fileName: file.fileName };
	if (file.inline && file.data) return { data: file.data.toString('base64'), mimeType: file.mimeType, fileName: file.fileName, bytes: file.data.length };
	return undefined;
}

export interface InputItem {
	json?: Record<string, unknown>;
	binary?: Record<string, InputBinary>;
}

/** A start node for tests: emits the items the test hands it, storing binaries in n8n's binary store. */
class ItemSource implements INodeType {
	static pending = new Map<string, InputItem[]>();

	description: INodeTypeDescription = {
		displayName: 'Test Item Source',
		name: 'itemSource',
		group: ['input'],
		version: 1,
		description: 'Emits test items',
		defaults: { name: 'Source' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Key', name: 'key', type: 'string' as const, default: '' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const key = this.getNodeParameter('key', 0) as string;
		const items = ItemSource.pending.get(key) ?? [{ json: {} }];
		const output: INodeExecutionData[] = [];
		for (const item of items) {
			const binary: INodeExecutionData['binary'] = {};
			for (const [name, file] of Object.entries(item.binary ?? {})) {
				binary[name] =
					inputBinary(file) ??
					(await this.helpers.prepareBinaryData(file.path ? fs.createReadStream(file.path) : (file.data ?? Buffer.alloc(0)), file.fileName, file.mimeType));
			}
			output.push({ json: (item.json ?? {}) as INodeExecutionData['json'], ...(item.binary ? { binary } : {}) });
		}
		return [output];
	}
}

/**
 * Stands in for an AI agent: calls the tool connected to its `ai_tool` input once, with the
 * arguments the test gives, through n8n-core's own tool wrapper (createNodeAsTool), and
 * outputs the tool's answer as the agent receives it: a string.
 */
class ToolCaller implements INodeType {
	static pending = new Map<string, Record<string, unknown>>();

	description: INodeTypeDescription = {
		displayName: 'Test Tool Caller',
		name: 'toolCaller',
		group: ['transform'],
		version: 1,
		description: 'Calls its connected tool once, as an AI agent would',
		defaults: { name: 'Agent' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main, { type: NodeConnectionTypes.AiTool, displayName: 'Tool', required: true, maxConnections: 1 }],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Key', name: 'key', type: 'string' as const, default: '' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const key = this.getNodeParameter('key', 0) as string;
		const connected = await this.getInputConnectionData(NodeConnectionTypes.AiTool, 0);
		const tool = (Array.isArray(connected) ? connected[0] : connected) as { invoke(args: unknown): Promise<unknown> };
		const answer = await tool.invoke(ToolCaller.pending.get(key) ?? {});
		return [[{ json: { answer: typeof answer === 'string' ? answer : JSON.stringify(answer) } }]];
	}
}

/**
 * The node as n8n offers it to AI agents: n8n (packages/cli, tool-generation/ai-tools.ts)
 * registers every `usableAsTool` node a second time as `<name>Tool`, with no main input, an
 * `ai_tool` output and a Tool Description parameter, and the same execute().
 */
function asAiTool(type: INodeType): INodeType {
	const description: INodeTypeDescription = { ...type.description };
	delete description.usableAsTool;
	return {
		description: {
			...description,
			name: `${description.name}Tool`,
			displayName: `${description.displayName} Tool`,
			inputs: [],
			outputs: [NodeConnectionTypes.AiTool],
			properties: [
				...description.properties,
				{ displayName: 'Description', name: 'toolDescription', type: 'string', default: description.description },
			],
		} as INodeTypeDescription,
		execute: type.execute,
	};
}

export const TOOL_NODE_TYPE = `${NODE_TYPE}Tool`;
const TOOL_CALLER_NODE_TYPE = 'test.toolCaller';

/** Node types registered by other code (e.g. a benchmark's baseline) to run in place of Wan VACE Inpaint. */
const registeredNodeTypes = new Map<string, INodeType>();

/** Makes `type` runnable by runNode({ nodeType: name }); it is wired like Wan VACE Inpaint (after Source). */
export function registerNodeType(name: string, type: INodeType): void {
	if (name === NODE_TYPE || name === SOURCE_NODE_TYPE) throw new TypeError(`${name} is built in`);
	registeredNodeTypes.set(name, type);
}

class NodeTypes implements INodeTypes {
	private readonly types: Record<string, INodeType> = {
		[NODE_TYPE]: new WanVaceInpaint(),
		[SOURCE_NODE_TYPE]: new ItemSource(),
		[TOOL_NODE_TYPE]: asAiTool(new WanVaceInpaint()),
		[TOOL_CALLER_NODE_TYPE]: new ToolCaller(),
	};

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		return this.getByNameAndVersion(nodeType);
	}

	getByNameAndVersion(nodeType: string): INodeType {
		const type = this.types[nodeType] ?? registeredNodeTypes.get(nodeType);
		if (!type) throw new TypeError(`Unknown node type ${nodeType}`);
		return type;
	}

	getKnownTypes() {
		return {};
	}
}

const credentialTypes: Record<string, ICredentialType> = { aimlApi: new AimlApi() };

/** The credential store; authentication itself is the credential type's, resolved by n8n's expression engine. */
class CredentialsHelper extends ICredentialsHelper {
	constructor(private readonly credentials: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow?: WorkflowType,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const authenticate = credentialTypes[typeName]?.authenticate;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (!authenticate || !workflow || !node) return requestOptions;
		const resolve = (value: string) =>
			isExpression(value)
				? String(workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials }, undefined, '') ?? '')
				: value;
		const target = requestOptions as unknown as Record<string, Record<string, string>>;
		for (const [outerKey, entries] of Object.entries(authenticate.properties)) {
			target[outerKey] ??= {};
			for (const [key, value] of Object.entries(entries as Record<string, string>)) {
				target[outerKey][resolve(key)] = resolve(value);
			}
		}
		return requestOptions;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<never> {
		throw new TypeError('not used');
	}

	async getDecrypted(_additionalData: IWorkflowExecuteAdditionalData, nodeCredentials: INodeCredentialsDetails, type: string) {
		return { ...(this.credentials[type] ?? {}) };
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties(type: string) {
		return credentialTypes[type]?.properties ?? [];
	}
}

let binaryDataReady: Promise<void> | undefined;

function initBinaryData(): Promise<void> {
	binaryDataReady ??= Container.get(BinaryDataService).init();
	return binaryDataReady;
}

export interface RunNodeOptions {
	parameters: INodeParameters;
	items?: InputItem[];
	credentials?: { apiKey: string; baseUrl: string };
	continueOnFail?: boolean;
	/** The node setting Retry On Fail: n8n runs the node again (up to maxTries in all) when it fails. */
	retryOnFail?: { maxTries: number; waitBetweenTries?: number };
	/** Cancels the execution (n8n's "stop") this many ms after the start. */
	cancelAfterMs?: number;
	/** Runs this registered node type (see registerNodeType) instead of Wan VACE Inpaint. */
	nodeType?: string;
	/**
	 * Runs the node as an AI agent's tool: Source → Agent, with Wan VACE Inpaint Tool on the
	 * agent's `ai_tool` input, called once with these arguments (for `$fromAI()` parameters).
	 * The result's items are the agent's output.
	 */
	asTool?: { args?: Record<string, unknown> };
}

export interface RunNodeResult {
	/** Output items of the Wan VACE Inpaint node (or options.nodeType; main output 0). */
	items: INodeExecutionData[];
	/** The node's error when it failed the execution. */
	error?: Error & { description?: string; context?: Record<string, unknown>; httpCode?: string | null };
	run: IRun;
	durationMs: number;
	/** When the node's task ended, i.e. it emitted its items (n8n's startTime + executionTime, epoch ms). */
	finishedAt?: number;
	cancelledAt?: number;
	/** With asTool: the tool's own runs, as n8n records them (output on `ai_tool`). */
	toolRuns?: ITaskData[];
}

let runCounter = 0;

/** Executes Source → Wan VACE Inpaint through WorkflowExecute and returns the node's result. */
export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	await initBinaryData();
	const executionId = `test-${++runCounter}`;
	const key = executionId;
	ItemSource.pending.set(key, options.items ?? [{ json: {} }]);
	const nodeName = 'Wan VACE Inpaint';
	const nodes: INode[] = [
		{ id: 'source', name: 'Source', type: SOURCE_NODE_TYPE, typeVersion: 1, position: [0, 0], parameters: { key } },
		{
			id: 'wan',
			name: nodeName,
			type: options.nodeType ?? NODE_TYPE,
			typeVersion: 1,
			position: [200, 0],
			parameters: options.parameters,
			credentials: { aimlApi: { id: '1', name: 'AI/ML API' } },
			...(options.continueOnFail ? { onError: 'continueRegularOutput' as const, continueOnFail: true } : {}),
			...(options.retryOnFail
				? { retryOnFail: true, maxTries: options.retryOnFail.maxTries, waitBetweenTries: options.retryOnFail.waitBetweenTries ?? 1 }
				: {}),
		},
	];
	let connections: IConnections = { Source: { main: [[{ node: nodeName, type: NodeConnectionTypes.Main, index: 0 }]] } };
	const agentName = 'Agent';
	if (options.asTool) {
		ToolCaller.pending.set(key, options.asTool.args ?? {});
		nodes[1].type = TOOL_NODE_TYPE;
		nodes.push({ id: 'agent', name: agentName, type: TOOL_CALLER_NODE_TYPE, typeVersion: 1, position: [400, 0], parameters: { key } });
		connections = {
			Source: { main: [[{ node: agentName, type: NodeConnectionTypes.Main, index: 0 }]] },
			[nodeName]: { ai_tool: [[{ node: agentName, type: NodeConnectionTypes.AiTool, index: 0 }]] },
		};
	}
	const resultNode = options.asTool ? agentName : nodeName;
	const nodeTypes = new NodeTypes();
	// Apply the node's defaults to its parameters, as n8n does when a workflow is loaded.
	for (const node of nodes) {
		const type = nodeTypes.getByNameAndVersion(node.type);
		node.parameters = NodeHelpers.getNodeParameters(type.description.properties, node.parameters, true, false, node, type.description) ?? {};
	}
	const workflowData: IWorkflowBase = {
		id: 'wf-test',
		name: 'test',
		active: false,
		isArchived: false,
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
		createdAt: new Date(),
		updatedAt: new Date(),
		activeVersionId: null,
	} as unknown as IWorkflowBase;
	const workflow = new Workflow({
		id: workflowData.id,
		name: workflowData.name,
		nodes,
		connections,
		nodeTypes,
		active: false,
		settings: workflowData.settings,
	});

	const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowData);
	let resolveFinished!: (run: IRun) => void;
	const finished = { promise: new Promise<IRun>((resolve) => (resolveFinished = resolve)) };
	hooks.addHandler('workflowExecuteAfter', (fullRunData) => resolveFinished(fullRunData));

	const credentials: Record<string, ICredentialDataDecryptedObject> = options.credentials
		? { aimlApi: { ...options.credentials } }
		: {};
	const additionalData = {
		credentialsHelper: new CredentialsHelper(credentials),
		hooks,
		executionId,
		workflowId: workflowData.id,
		restApiUrl: 'http://127.0.0.1:1/rest',
		instanceBaseUrl: 'http://127.0.0.1:1/',
		formBaseUrl: '',
		formWaitingBaseUrl: '',
		formTestBaseUrl: '',
		webhookBaseUrl: '',
		webhookWaitingBaseUrl: '',
		webhookTestBaseUrl: '',
		mcpBaseUrl: '',
		mcpTestBaseUrl: '',
		currentNodeExecutionIndex: 0,
		variables: {},
		logAiEvent: () => undefined,
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		executeWorkflow: async () => {
			throw new TypeError('not used');
		},
		startRunnerTask: async () => {
			throw new TypeError('not used');
		},
	} as unknown as IWorkflowExecuteAdditionalData;

	const runExecutionData: IRunExecutionData = {
		version: 1,
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [{ node: nodes[0], data: { main: [[{ json: {} }]] }, source: null }],
		},
	} as unknown as IRunExecutionData;

	const started = Date.now();
	const execution = new WorkflowExecute(additionalData, 'manual', runExecutionData).processRunExecutionData(workflow);
	let cancelledAt: number | undefined;
	let cancelTimer: ReturnType<typeof setTimeout> | undefined;
	if (options.cancelAfterMs !== undefined) {
		cancelTimer = setTimeout(() => {
			cancelledAt = Date.now();
			execution.cancel();
		}, options.cancelAfterMs);
	}
	let run: IRun;
	try {
		run = await Promise.race([execution, finished.promise]);
		run = await finished.promise;
	} catch {
		run = await finished.promise;
	} finally {
		if (cancelTimer) clearTimeout(cancelTimer);
		ItemSource.pending.delete(key);
		ToolCaller.pending.delete(key);
	}
	const taskData = run.data.resultData.runData[resultNode]?.[0];
	const error = (taskData?.error ?? run.data.resultData.error) as RunNodeResult['error'];
	return {
		items: taskData?.data?.main?.[0] ?? [],
		error,
		run,
		durationMs: Date.now() - started,
		finishedAt: taskData ? taskData.startTime + taskData.executionTime : undefined,
		cancelledAt,
		...(options.asTool ? { toolRuns: run.data.resultData.runData[nodeName] ?? [] } : {}),
	};
}

/** Size in bytes of a binary stored by n8n's filesystem binary data manager. */
export function storedBinarySize(binaryId: string): number {
	const service = Container.get(BinaryDataService);
	return fs.statSync(service.getPath(binaryId)).size;
}

/** Resolves an n8n expression (e.g. a credential's test URL) with n8n's own expression engine. */
export function resolveExpression(expression: string, additionalKeys: IDataObject): unknown {
	const node: INode = { id: 'x', name: 'Expression', type: SOURCE_NODE_TYPE, typeVersion: 1, position: [0, 0], parameters: {} };
	const workflow = new Workflow({ id: 'expr', nodes: [node], connections: {}, nodeTypes: new NodeTypes(), active: false });
	return workflow.expression.getSimpleParameterValue(node, expression, 'internal', additionalKeys, undefined, '');
}
