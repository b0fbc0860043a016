/**
 * Workloads of the queue-mode test and benchmark (test/e2e/queue-mode.test.ts, bench/queue.ts):
 * a webhook-triggered Generate workflow, calling webhooks many at a time, and reading back
 * the executions n8n recorded.
 */
import { AIML_API_CREDENTIAL_TYPE, WAN_VACE_NODE_TYPE, type N8nServer, type WorkflowImport } from './n8n';
import { MAIN_FIELDS } from '../../nodes/WanVace/descriptions/properties';
import { crypto, delay } from '../support/node';

export const GENERATE_PATH = 'queue-generate';

const main = (node: string) => ({ main: [[{ node, type: 'main', index: 0 }]] });

/**
 * Webhook (answers on receipt, at `path`) → Generate (Download Video) → HTTP Request uploading
 * the MP4 to the call's `callbackUrl` (left out with `upload: false`).
 */
export function generateWorkflow(opts: { path?: string; upload?: boolean } = {}): WorkflowImport {
	const upload = opts.upload ?? true;
	const nodes: Array<Record<string, unknown>> = [
		{
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			webhookId: crypto.randomUUID(),
			parameters: {
				httpMethod: 'POST',
				path: opts.path ?? GENERATE_PATH,
				responseMode: 'onReceived',
				options: {},
			},
		},
		{
			name: 'Generate',
			type: WAN_VACE_NODE_TYPE,
			typeVersion: 1,
			parameters: {
				operation: 'generate',
				[MAIN_FIELDS.prompt]: '={{ $json.body.prompt }}',
				[MAIN_FIELDS.videoUrl]: 'https://example.com/source.mp4',
				[MAIN_FIELDS.maskUrl]: 'https://example.com/mask.mp4',
				// example.com is not to be called from a test: no input checks.
				runOptions: { pollIntervalSeconds: 0.5, downloadVideo: true, checkInputs: false },
			},
			credentials: {
				[AIML_API_CREDENTIAL_TYPE]: {
					id: 'REPLACE_WITH_CREDENTIAL_ID',
					name: 'AI/ML API',
				},
			},
		},
	];
	if (upload) {
		nodes.push({
			name: 'Upload',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			parameters: {
				method: 'POST',
				url: "={{ $('Webhook').item.json.body.callbackUrl }}",
				sendHeaders: true,
				headerParameters: {
					parameters: [{ name: 'X-Generation-Id', value: '={{ $json.generationId }}' }],
				},
				sendBody: true,
				contentType: 'binaryData',
				inputDataFieldName: 'data',
				options: {},
			},
		});
	}
	return {
		name: `queue: webhook → generate${upload ? ' → upload' : ''} (${opts.path ?? GENERATE_PATH})`,
		nodes,
		connections: {
			Webhook: main('Generate'),
			...(upload ? { Generate: main('Upload') } : {}),
		},
	};
}

export interface ExecutionSummary {
	id: string;
	status: string;
	workflowId: string;
}

/** Every execution of the workflow, newest first (n8n lists at most 100 per page). */
export async function executions(server: N8nServer, workflowId: string): Promise<ExecutionSummary[]> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	// n8n sorts a page by start time but pages by id, so an execution can come back on two pages.
	const all = new Map<string, ExecutionSummary>();
	let cursor: string | null | undefined;
	do {
		const page = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
		const list = await server.rest<{
			results: ExecutionSummary[];
			nextCursor?: string | null;
		}>('GET', `/executions?filter=${filter}&limit=100${page}`);
		for (const execution of list.results) all.set(execution.id, execution);
		cursor = list.nextCursor;
	} while (cursor);
	return [...all.values()];
}

/** IDs of the workflow's executions so far, to tell the new ones apart. */
export async function existing(server: N8nServer, workflowId: string): Promise<Set<string>> {
	return new Set((await executions(server, workflowId)).map((execution) => execution.id));
}

/** Waits until `count` executions newer than `before` are in a state `done` accepts; returns the new ones. */
export async function untilNew(
	server: N8nServer,
	workflowId: string,
	before: Set<string>,
	count: number,
	done: (status: string) => boolean,
	timeoutMs: number,
) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const fresh = (await executions(server, workflowId)).filter((execution) => !before.has(execution.id));
		if (fresh.length >= count && fresh.every((execution) => done(execution.status))) return fresh;
		if (Date.now() > deadline) throw new Error(`new executions of ${workflowId}: ${JSON.stringify(fresh.map((e) => e.status))}`);
		await delay(500);
	}
}

/** Runs call(0 … count-1), `parallel` at a time. */
export async function callConcurrently(count: number, call: (index: number) => Promise<void>, parallel = 20) {
	let next = 0;
	await Promise.all(
		Array.from({ length: parallel }, async () => {
			while (next < count) await call(next++);
		}),
	);
}
