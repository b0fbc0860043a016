/**
 * Production failure modes in a real n8n 2.41.1 (test/e2e/n8n), against the simulator in this
 * jest process:
 *  - Retry On Fail (node setting): n8n runs the node again within the execution; the
 *    generations an earlier try created and that did not fail are reused, never paid again;
 *  - a crash (SIGKILL) in the middle of a 20-item Generate: every generation the simulator
 *    created is in n8n's log, and can be fetched with Get after the restart.
 */
import { AIML_API_CREDENTIAL_TYPE, WAN_VACE_NODE_TYPE, createN8nEnvironment, ensureN8n, packPackage, type N8nEnvironment, type N8nServer, type ResultItem, type WorkflowImport } from './n8n';
import { MAIN_FIELDS } from '../../nodes/WanVace/descriptions/properties';
import { type FaultRule, type Simulator, sampleVideoBytes, startSimulator } from '../simulator';
import { delay, fs, fsp, path } from '../support/node';

const INSTALL_TIMEOUT_MS = 30 * 60_000;
const BOOT_TIMEOUT_MS = 3 * 60_000;
const RUN_TIMEOUT_MS = 2 * 60_000;
const CREDENTIAL_ID = 'e2eRetryAimlCred';
const SAMPLE = sampleVideoBytes();
const GENERATE = 'Generate';

const main = (node: string) => ({ main: [[{ node, type: 'main', index: 0 }]] });
const prompt = (index: number) => `retry item ${index}`;

/** Manual Trigger → Code (`count` items) → Generate (Download Video), with the node settings given. */
function generateWorkflow(name: string, count: number, settings: Record<string, unknown>, runOptions: Record<string, unknown> = {}): WorkflowImport {
	return {
		name,
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
			{
				name: 'Items',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				parameters: { jsCode: `return Array.from({ length: ${count} }, (_, i) => ({ json: { prompt: 'retry item ' + i } }));` },
			},
			{
				name: GENERATE,
				type: WAN_VACE_NODE_TYPE,
				typeVersion: 1,
				parameters: {
					operation: 'generate',
					[MAIN_FIELDS.prompt]: '={{ $json.prompt }}',
					[MAIN_FIELDS.videoUrl]: 'https://example.com/source.mp4',
					[MAIN_FIELDS.maskUrl]: 'https://example.com/mask.mp4',
					// example.com is not to be called from a test: no input checks.
					runOptions: { pollIntervalSeconds: 0.5, downloadVideo: true, checkInputs: false, ...runOptions },
				},
				credentials: { [AIML_API_CREDENTIAL_TYPE]: { id: CREDENTIAL_ID, name: 'AI/ML API (simulator)' } },
				...settings,
			},
		],
		connections: { Start: main('Items'), Items: main(GENERATE) },
	};
}

const RETRY = { retryOnFail: true, maxTries: 3, waitBetweenTries: 100 };
const CONTINUE = { onError: 'continueRegularOutput' };
const forItem = (index: number) => ({ match: ({ body }: { body?: Record<string, unknown> }) => body?.prompt === prompt(index) });

describe('Retry On Fail and crashes in a real n8n', () => {
	let n8n: N8nEnvironment;
	let server: N8nServer;
	let sim: Simulator;
	let tarball: string | undefined;
	const ids = { retry: '', retryContinue: '', crash: '' };

	beforeAll(async () => {
		await ensureN8n();
		tarball = await packPackage();
		sim = await startSimulator({ generationMs: 1500 });
		n8n = await createN8nEnvironment({ tarball });
		server = await n8n.startServer();
		await n8n.importCredentials([{ id: CREDENTIAL_ID, name: 'AI/ML API (simulator)', type: AIML_API_CREDENTIAL_TYPE, data: { apiKey: sim.apiKey, baseUrl: sim.baseUrl } }]);
		[ids.retry, ids.retryContinue, ids.crash] = await n8n.importWorkflows([
			generateWorkflow('e2e: Generate with Retry On Fail', 3, RETRY),
			generateWorkflow('e2e: Generate with Retry On Fail and Continue On Fail', 3, { ...RETRY, ...CONTINUE }),
			generateWorkflow('e2e: 20 items, killed midway', 20, {}, { pollIntervalSeconds: 1 }),
		]);
	}, INSTALL_TIMEOUT_MS);

	afterAll(async () => {
		await n8n?.dispose();
		await sim?.close();
		if (tarball) await fsp.rm(path.dirname(tarball), { recursive: true, force: true });
	}, BOOT_TIMEOUT_MS);

	beforeEach(() => sim.reset());

	const createdFor = (index: number) => [...sim.generations.values()].filter((g) => g.body.prompt === prompt(index)).length;

	/** All three items completed with their own generation and the intact MP4, each downloaded once. */
	function expectEveryVideoOnce(items: ResultItem[]) {
		expect(items.map((item) => item.json.status)).toEqual(['completed', 'completed', 'completed']);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		items.forEach((item, index) => {
			const id = item.json.generationId as string;
			expect(sim.generations.get(id)?.body.prompt).toBe(prompt(index));
			const file = n8n.binaryFilePath(item.binary?.data ?? {});
			expect(file && fs.readFileSync(file).equals(SAMPLE)).toBe(true);
			expect(sim.log.filter((entry) => entry.route === 'download' && entry.generationId === id && entry.status === 200 && !entry.fault)).toHaveLength(1);
		});
	}

	async function runWith(workflowId: string, faults: FaultRule[]) {
		for (const fault of faults) sim.addFault(fault);
		const result = await n8n.execute(workflowId, { timeoutMs: RUN_TIMEOUT_MS });
		return { result, items: result.items(GENERATE) };
	}

	it.each([
		['the model (generation error)', { route: 'poll', kind: 'jobError', times: 1 } as FaultRule, [2, 1, 1], 4],
		['submission (402, nothing created)', { route: 'submit', kind: 'status', status: 402, times: 1 } as FaultRule, [1, 1, 1], 4],
		['download (404 three times)', { route: 'download', kind: 'status', status: 404, times: 3 } as FaultRule, [1, 1, 1], 3],
	])('a failure at %s: generations = items + retried failures, every video out once', async (_what, fault, created, posts) => {
		for (const [workflowId, withContinue] of [[ids.retry, false], [ids.retryContinue, true]] as const) {
			sim.reset();
			// On the first item: under Continue On Fail, n8n reruns the node only when its first output item is an error.
			const { result, items } = await runWith(workflowId, [{ ...fault, ...forItem(0) }]);
			expect({ withContinue, status: result.status }).toEqual({ withContinue, status: 'success' });
			expectEveryVideoOnce(items);
			expect([createdFor(0), createdFor(1), createdFor(2)]).toEqual(created);
			expect(sim.counters().posts).toBe(posts);
		}
	}, 3 * RUN_TIMEOUT_MS);

	it('under Continue On Fail n8n reruns the node only for a failed first item (measured)', async () => {
		const { items } = await runWith(ids.retryContinue, [{ route: 'poll', kind: 'jobError', times: 1, ...forItem(1) }]);
		expect(items.map((item) => item.json.status)).toEqual(['completed', 'error', 'completed']);
		expect(items[1].json.error).toMatch(/failed/);
		expect(sim.generations.size).toBe(3);
	}, RUN_TIMEOUT_MS);

	it('killed with SIGKILL mid-Generate: every generation created is in the log, and Get fetches it after the restart', async () => {
		sim.options.generationMs = 20_000;
		const started = await server.rest<{ executionId: string }>('POST', `/workflows/${ids.crash}/run`, { triggerToStartFrom: { name: 'Start' } });
		const deadline = Date.now() + RUN_TIMEOUT_MS;
		while (sim.generations.size < 20 || sim.log.some((entry) => entry.route === 'submit' && entry.closedAt === undefined)) {
			if (Date.now() > deadline) throw new Error(`only ${sim.generations.size} generations were created`);
			await delay(50);
		}
		// The middle of the run: every generation submitted and polled at least once (n8n has read
		// each submit's answer), none finished (each takes 20 s).
		const polled = () => new Set(sim.log.filter((entry) => entry.route === 'poll' && entry.status !== null).map((entry) => entry.generationId));
		while ([...sim.generations.keys()].some((id) => !polled().has(id))) {
			if (Date.now() > deadline) throw new Error(`only ${polled().size} of ${sim.generations.size} generations were polled`);
			await delay(50);
		}
		await server.crash();
		const log = server.log();
		const created = [...sim.generations.keys()];
		expect(created).toHaveLength(20);
		for (const id of created) {
			const line = log.split('\n').find((text) => text.includes(`submitted generation ${id}`));
			expect(line).toContain(`execution ${started.executionId}`);
			expect(line).toContain(`node "${GENERATE}"`);
			expect(line).toContain('workflow "e2e: 20 items, killed midway"');
		}
		expect(log).not.toContain(sim.apiKey);

		// After a restart n8n marks the execution crashed (it does not run it again); Get finds the videos.
		server = await n8n.startServer();
		const execution = await server.getExecution(started.executionId, { timeoutMs: 30_000 });
		expect(execution.status).toBe('crashed');
		sim.options.generationMs = 0;
		const postsBefore = sim.counters().posts;
		const [getId] = await n8n.importWorkflows([getWorkflow(created)]);
		const fetched = await n8n.execute(getId, { timeoutMs: RUN_TIMEOUT_MS });
		expect(fetched.items('Get').map((item) => item.json.generationId)).toEqual(created);
		expect(fetched.items('Get').every((item) => item.json.status === 'completed')).toBe(true);
		expect(sim.counters().posts).toBe(postsBefore);

		// Without the log: Find Generations for the killed execution (its client request ids) → Get: 20/20, no POST.
		const [findId] = await n8n.importWorkflows([findWorkflow(started.executionId)]);
		const recovered = await n8n.execute(findId, { timeoutMs: RUN_TIMEOUT_MS });
		expect(recovered.items('Find').map((item) => item.json.generationId).sort()).toEqual([...created].sort());
		expect(recovered.items('Get').map((item) => item.json.generationId).sort()).toEqual([...created].sort());
		expect(recovered.items('Get').every((item) => item.json.status === 'completed')).toBe(true);
		expect(sim.counters().posts).toBe(postsBefore);
	}, 5 * RUN_TIMEOUT_MS);
});

/** Manual Trigger → Code (one item per generation ID, as read from the log) → Get. */
function getWorkflow(generationIds: string[]): WorkflowImport {
	return {
		name: 'e2e: fetch the generations found in the log',
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
			{
				name: 'IDs from the log',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				parameters: { jsCode: `return ${JSON.stringify(generationIds)}.map((generationId) => ({ json: { generationId } }));` },
			},
			{
				name: 'Get',
				type: WAN_VACE_NODE_TYPE,
				typeVersion: 1,
				parameters: { operation: 'get', generationId: '={{ $json.generationId }}', waitForCompletion: true, runOptions: { pollIntervalSeconds: 0.5 } },
				credentials: { [AIML_API_CREDENTIAL_TYPE]: { id: CREDENTIAL_ID, name: 'AI/ML API (simulator)' } },
			},
		],
		connections: { Start: main('IDs from the log'), 'IDs from the log': main('Get') },
	};
}

/** Manual Trigger → Find Generations (one execution) → Get: recovery without n8n's log. */
function findWorkflow(executionId: string): WorkflowImport {
	const credentials = { [AIML_API_CREDENTIAL_TYPE]: { id: CREDENTIAL_ID, name: 'AI/ML API (simulator)' } };
	return {
		name: 'e2e: find the generations of the killed execution',
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
			{ name: 'Find', type: WAN_VACE_NODE_TYPE, typeVersion: 1, parameters: { operation: 'find', window: 'lastHours', lastHours: 1, madeBy: 'execution', executionId }, credentials },
			{
				name: 'Get',
				type: WAN_VACE_NODE_TYPE,
				typeVersion: 1,
				parameters: { operation: 'get', generationId: '={{ $json.generationId }}', waitForCompletion: true, runOptions: { pollIntervalSeconds: 0.5 } },
				credentials,
			},
		],
		connections: { Start: main('Find'), Find: main('Get') },
	};
}
