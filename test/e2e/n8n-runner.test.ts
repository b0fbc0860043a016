/**
 * The e2e runner itself, against a real n8n (test/e2e/n8n.ts): built-in nodes through
 * `n8n execute` and through a server (manual runs and a webhook), and this package loaded
 * as a community package. Never skipped: on a machine without n8n, beforeAll installs it
 * (scripts/ensure-n8n.sh, several minutes cold).
 */
import {
	AIML_API_CREDENTIAL_TYPE,
	WAN_VACE_NODE_TYPE,
	createN8nEnvironment,
	ensureN8n,
	packPackage,
	type N8nEnvironment,
	type N8nServer,
	type WorkflowImport,
} from './n8n';
import { MAIN_FIELDS } from '../../nodes/WanVace/descriptions/properties';
import { fs, fsp, http, path } from '../support/node';

/** A cold install takes ~5 min; ensure-n8n.sh retries a failed or hung npm once (12 min max each). */
const INSTALL_TIMEOUT_MS = 30 * 60_000;
const BOOT_TIMEOUT_MS = 3 * 60_000;

const CODE_WORKFLOW_ID = 'e2eManualCode001';
const FAILING_WORKFLOW_ID = 'e2eFailingCode01';
const WEBHOOK_WORKFLOW_ID = 'e2eWebhookSet001';
const WAN_VACE_WORKFLOW_ID = 'e2eWanVaceLoad01';
const CREDENTIAL_ID = 'e2eAimlApiCred01';

const main = (node: string) => ({ main: [[{ node, type: 'main', index: 0 }]] });

/** Manual Trigger → Code (3 items) → Convert to File (one text file per item). */
const codeWorkflow: WorkflowImport = {
	id: CODE_WORKFLOW_ID,
	name: 'e2e: manual → code → file',
	nodes: [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
		{
			name: 'Code',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			parameters: { jsCode: "return [1, 2, 3].map((i) => ({ json: { i, text: 'x'.repeat(i * 1000) } }));" },
		},
		{
			name: 'To File',
			type: 'n8n-nodes-base.convertToFile',
			typeVersion: 1.1,
			parameters: { operation: 'toText', sourceProperty: 'text', options: { fileName: 'item.txt' } },
		},
	],
	connections: { Start: main('Code'), Code: main('To File') },
};

const failingWorkflow: WorkflowImport = {
	id: FAILING_WORKFLOW_ID,
	name: 'e2e: failing code',
	nodes: [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
		{ name: 'Boom', type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { jsCode: "throw new Error('boom');" } },
	],
	connections: { Start: main('Boom') },
};

/** Webhook (respond when the last node finishes) → Set. */
const webhookWorkflow: WorkflowImport = {
	id: WEBHOOK_WORKFLOW_ID,
	name: 'e2e: webhook → set',
	nodes: [
		{
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			webhookId: '7d0c1f52-3b7e-4d7b-9a53-0e2f7c1d9e01',
			parameters: { httpMethod: 'POST', path: 'e2e-greet', responseMode: 'lastNode', options: {} },
		},
		{
			name: 'Set',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			parameters: {
				mode: 'manual',
				assignments: {
					assignments: [
						{ id: 'a1', name: 'greeting', type: 'string', value: "={{ 'hello ' + $json.body.name }}" },
						{ id: 'a2', name: 'count', type: 'number', value: '={{ $json.body.count * 2 }}' },
					],
				},
				options: {},
			},
		},
	],
	connections: { Webhook: main('Set') },
};

/**
 * Manual Trigger → this package's node. Its credential points at `apiBaseUrl`, a local
 * stand-in that answers 401 to everything, so the node runs and stops at once.
 */
function wanVaceWorkflow(): WorkflowImport {
	return {
		id: WAN_VACE_WORKFLOW_ID,
		name: 'e2e: Wan VACE node loads',
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
			{
				name: 'Wan VACE Inpaint',
				type: WAN_VACE_NODE_TYPE,
				typeVersion: 1,
				parameters: {
					[MAIN_FIELDS.prompt]: 'a red balloon',
					[MAIN_FIELDS.videoUrl]: 'https://example.com/source.mp4',
					[MAIN_FIELDS.maskUrl]: 'https://example.com/mask.mp4',
					// example.com is not to be called from a test: no input checks.
					runOptions: { checkInputs: false },
				},
				credentials: { [AIML_API_CREDENTIAL_TYPE]: { id: CREDENTIAL_ID, name: 'AI/ML API (401 stand-in)' } },
			},
		],
		connections: { Start: main('Wan VACE Inpaint') },
	};
}

/** An HTTP server on 127.0.0.1 that answers 401 (AI/ML API's error shape) and records requests. */
async function startUnauthorizedApi(): Promise<{ baseUrl: string; requests: IncomingRequest[]; close(): Promise<void> }> {
	const requests: IncomingRequest[] = [];
	const server = http.createServer((request, response) => {
		requests.push({ method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization });
		request.resume();
		response.writeHead(401, { 'content-type': 'application/json' });
		response.end(JSON.stringify({ message: 'Unauthorized', path: request.url, statusCode: 401 }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address() as { port: number };
	return {
		baseUrl: `http://127.0.0.1:${address.port}`,
		requests,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

interface IncomingRequest {
	method: string;
	url: string;
	authorization?: string;
}

describe('real n8n (test/e2e/n8n.ts)', () => {
	let n8n: N8nEnvironment;
	let tarball: string | undefined;
	let api: Awaited<ReturnType<typeof startUnauthorizedApi>>;

	beforeAll(async () => {
		await ensureN8n();
		tarball = await packPackage();
		n8n = await createN8nEnvironment({ tarball });
		api = await startUnauthorizedApi();
	}, INSTALL_TIMEOUT_MS);

	afterAll(async () => {
		await n8n?.dispose();
		await api?.close();
		if (tarball) await fsp.rm(path.dirname(tarball), { recursive: true, force: true });
	}, BOOT_TIMEOUT_MS);

	describe('without a server: n8n import:* and n8n execute --id', () => {
		test(
			'runs Manual Trigger → Code → Convert to File and reports items, pairing and binary files',
			async () => {
				const ids = await n8n.importWorkflows([codeWorkflow, failingWorkflow, webhookWorkflow]);
				expect(ids).toEqual([CODE_WORKFLOW_ID, FAILING_WORKFLOW_ID, WEBHOOK_WORKFLOW_ID]);

				const result = await n8n.execute(CODE_WORKFLOW_ID);

				expect(result.via).toBe('cli');
				expect(result.status).toBe('success');
				expect(result.error).toBeUndefined();
				expect(result.nodeNames()).toEqual(['Start', 'Code', 'To File']);
				expect(result.json('Code').map((json) => json.i)).toEqual([1, 2, 3]);
				const files = result.items('To File');
				expect(files).toHaveLength(3);
				files.forEach((item, index) => {
					expect(item.pairedItem).toEqual({ item: index });
					const binary = item.binary?.data;
					expect(binary).toMatchObject({ mimeType: 'text/plain', fileName: 'item.txt', bytes: (index + 1) * 1000 });
					expect(binary?.filePath).toBe(n8n.binaryFilePath(binary ?? {}));
					expect(binary?.filePath?.startsWith(`${n8n.n8nFolder}/storage/`)).toBe(true);
					expect(fs.statSync(binary?.filePath ?? '').size).toBe((index + 1) * 1000);
				});
			},
			BOOT_TIMEOUT_MS,
		);
	});

	describe('with a server: n8n start', () => {
		let server: N8nServer;

		beforeAll(async () => {
			server = await n8n.startServer();
		}, BOOT_TIMEOUT_MS);

		afterAll(async () => {
			await server?.stop();
		}, BOOT_TIMEOUT_MS);

		test('runs a workflow manually through the REST API', async () => {
			const result = await n8n.execute(CODE_WORKFLOW_ID);

			expect(result.via).toBe('server');
			expect(result.executionId).toMatch(/^\d+$/);
			expect(result.status).toBe('success');
			expect(result.mode).toBe('manual');
			expect(result.json('Code')).toEqual([1, 2, 3].map((i) => ({ i, text: 'x'.repeat(i * 1000) })));
			const sizes = result.items('To File').map((item) => fs.statSync(item.binary?.data.filePath ?? '').size);
			expect(sizes).toEqual([1000, 2000, 3000]);
		});

		test('reports a failing node as an execution error', async () => {
			const result = await n8n.execute(FAILING_WORKFLOW_ID);

			expect(result.status).toBe('error');
			expect(result.error?.message).toContain('boom');
			expect(result.nodeError('Boom')?.message).toContain('boom');
			expect(result.lastNodeExecuted).toBe('Boom');
		});

		test('imports through REST once running, keeping the workflow id', async () => {
			const id = await n8n.importWorkflow({ ...codeWorkflow, id: 'e2eRestImport001', name: 'e2e: REST import' });
			expect(id).toBe('e2eRestImport001');
			expect((await n8n.execute(id)).json('Code')).toHaveLength(3);
		});

		test('serves a Webhook → Set workflow that responds when the last node finishes', async () => {
			await server.activateWorkflow(WEBHOOK_WORKFLOW_ID);

			const { response, execution } = await server.runWebhook(WEBHOOK_WORKFLOW_ID, 'e2e-greet', {
				body: { name: 'world', count: 21 },
			});

			expect(response.status).toBe(200);
			expect(response.json()).toEqual({ greeting: 'hello world', count: 42 });
			expect(execution.status).toBe('success');
			expect(execution.mode).toBe('webhook');
			expect(execution.json('Set')).toEqual([{ greeting: 'hello world', count: 42 }]);
			expect(execution.items('Set')[0].pairedItem).toEqual({ item: 0 });
		});

		test('loads this package: its node and credential types are registered', async () => {
			const nodeTypes = await server.getJson<Array<{ name: string }>>('/types/nodes.json');
			const credentialTypes = await server.getJson<Array<{ name: string }>>('/types/credentials.json');

			expect(nodeTypes.map((type) => type.name)).toContain(WAN_VACE_NODE_TYPE);
			expect(credentialTypes.map((type) => type.name)).toContain(AIML_API_CREDENTIAL_TYPE);
		});

		test('runs this package node with its credential (no "Unrecognized node type")', async () => {
			// Imported through REST: n8n gives the credential a new id, the environment maps the
			// workflow's reference to it.
			await n8n.importCredentials([
				{
					id: CREDENTIAL_ID,
					name: 'AI/ML API (401 stand-in)',
					type: AIML_API_CREDENTIAL_TYPE,
					data: { apiKey: 'e2e-key', baseUrl: api.baseUrl },
				},
			]);
			expect(n8n.credentialId(CREDENTIAL_ID)).not.toBe(CREDENTIAL_ID);
			await n8n.importWorkflow(wanVaceWorkflow());

			const result = await n8n.execute(WAN_VACE_WORKFLOW_ID);

			// The node ran and called the API with the credential's Bearer header; the API said 401.
			expect(result.error?.message ?? '').not.toMatch(/unrecognized node type|node has issues/i);
			expect(result.nodeNames()).toEqual(['Start', 'Wan VACE Inpaint']);
			expect(result.nodeError('Wan VACE Inpaint')).toBeDefined();
			expect(api.requests.length).toBeGreaterThan(0);
			expect(api.requests[0].authorization).toBe('Bearer e2e-key');
		});
	});
});
