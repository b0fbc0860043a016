/**
 * The workflows in examples/, loaded for a run in a real n8n (test/e2e/n8n.ts): by
 * test/e2e/examples.test.ts against the simulator and by scripts/demo.ts.
 */
import { MAIN_FIELDS } from '../../nodes/WanVace/descriptions/properties';
import { fs, path, repoRoot } from '../support/node';
import {
	AIML_API_CREDENTIAL_TYPE,
	WAN_VACE_NODE_TYPE,
	type CredentialImport,
	type WorkflowImport,
} from './n8n';

export const EXAMPLES_DIR = path.join(repoRoot, 'examples');

export const EXAMPLE_FILES = {
	generateAndSave: 'generate-and-save.json',
	webhookSubmitWaitGet: 'webhook-submit-wait-get.json',
	batchFromCode: 'batch-from-code.json',
} as const;

/**
 * How every example refers to its credential: by name, with a placeholder id. An
 * environment that imports a credential under this id maps the reference to it.
 */
export const EXAMPLE_CREDENTIAL = { id: 'REPLACE_WITH_CREDENTIAL_ID', name: 'AI/ML API' } as const;

export function exampleCredential(data: { apiKey: string; baseUrl: string }): CredentialImport {
	return { ...EXAMPLE_CREDENTIAL, type: AIML_API_CREDENTIAL_TYPE, data };
}

export interface WorkflowNode {
	name: string;
	type: string;
	parameters: Record<string, unknown>;
	[key: string]: unknown;
}

export function workflowNodes(workflow: WorkflowImport): WorkflowNode[] {
	return workflow.nodes as WorkflowNode[];
}

export function wanVaceNodes(workflow: WorkflowImport): WorkflowNode[] {
	return workflowNodes(workflow).filter((node) => node.type === WAN_VACE_NODE_TYPE);
}

function setRunOption(node: WorkflowNode, name: string, value: unknown): void {
	node.parameters.runOptions = { ...((node.parameters.runOptions ?? {}) as Record<string, unknown>), [name]: value };
}

/**
 * Reads an example as it is. `pollIntervalSeconds` sets Run Options > Poll Interval of its
 * Wan VACE nodes that poll (Generate, Get): the one change a fast run needs. `checkInputs:
 * false` turns the input checks off where the example's inputs are on example.com, a host
 * no test may call (setExampleInputs points them elsewhere instead).
 */
export function loadExample(file: string, opts: { pollIntervalSeconds?: number; checkInputs?: boolean } = {}): WorkflowImport {
	const workflow = JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) as WorkflowImport;
	for (const node of wanVaceNodes(workflow)) {
		if (opts.pollIntervalSeconds !== undefined && node.parameters.operation !== 'submit') setRunOption(node, 'pollIntervalSeconds', opts.pollIntervalSeconds);
		if (opts.checkInputs !== undefined && node.parameters.operation !== 'get') setRunOption(node, 'checkInputs', opts.checkInputs);
	}
	return workflow;
}

/** Points the Generate / Submit nodes of an example at other inputs (the demo's real-API run). */
export function setExampleInputs(workflow: WorkflowImport, inputs: { prompt?: string; videoUrl: string; maskUrl: string }): void {
	for (const node of wanVaceNodes(workflow)) {
		if (node.parameters.operation === 'get') continue;
		node.parameters[MAIN_FIELDS.videoUrl] = inputs.videoUrl;
		node.parameters[MAIN_FIELDS.maskUrl] = inputs.maskUrl;
		if (inputs.prompt) node.parameters[MAIN_FIELDS.prompt] = inputs.prompt;
	}
}

/** Where a Read/Write Files node wrote: n8n resolves relative paths against its working folder, the user folder. */
export function writtenFilePath(userFolder: string, fileName: unknown): string {
	if (typeof fileName !== 'string' || !fileName) throw new Error(`the file node reported no file name (${JSON.stringify(fileName)})`);
	return path.resolve(userFolder, fileName);
}
