/**
 * The workflows in examples/, run end to end inside a real n8n 2.41.1 (test/e2e/n8n/), and
 * with N8N_VERSION=1.123.81 inside n8n 1.x (scripts/test.sh runs both),
 * against the AI/ML API simulator running in this jest process. The examples are imported
 * as they are: the environment maps their credential reference to the simulator's
 * credential, and the poll interval of the nodes that poll drops to 0.5 s. One n8n
 * environment for the file: example (a) first through `n8n execute`, then one server for the
 * rest. Never skipped: on a machine without n8n, beforeAll installs it (several minutes).
 */
import {
	AIML_API_CREDENTIAL_TYPE,
	createN8nEnvironment,
	ensureN8n,
	isN8n1,
	N8N_VERSION,
	packPackage,
	type ExecutionResult,
	type N8nEnvironment,
	type N8nServer,
	type ResultItem,
	type WorkflowImport,
} from './n8n';
import {
	EXAMPLE_CREDENTIAL,
	EXAMPLE_FILES,
	exampleCredential,
	loadExample,
	wanVaceNodes,
	workflowNodes,
	writtenFilePath,
} from './examples';
import { MODEL_ID, sampleVideoBytes, startSimulator, type Simulator } from '../simulator';
import { SAMPLE_VIDEO_DURATION_SECONDS } from '../simulator/media';
import { fs, fsp, net, path } from '../support/node';
import { startCallbackReceiver } from './callbackReceiver';

const INSTALL_TIMEOUT_MS = 30 * 60_000;
const BOOT_TIMEOUT_MS = 3 * 60_000;
const RUN_TIMEOUT_MS = 2 * 60_000;

const POLL_INTERVAL_SECONDS = 0.5;
const GENERATION_MS = 1500;
const CREDITS_PER_DEFAULT_RUN = 81 * 2100;
const GENERATION_ID = new RegExp(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:${MODEL_ID.replace(/[./]/g, '\\$&')}$`);
const SAMPLE = sampleVideoBytes();

/** Node names in the examples. */
const GENERATE = 'Wan VACE Inpaint';
const SAVE = 'Save MP4 to Disk';
const CODE = 'Videos to Inpaint';

/** The examples' inputs are on example.com, which no test may call: their input checks are off (see the input checks test). */
const AS_IS = { pollIntervalSeconds: POLL_INTERVAL_SECONDS, checkInputs: false };

const examples = {
	generateAndSave: loadExample(EXAMPLE_FILES.generateAndSave, AS_IS),
	webhook: loadExample(EXAMPLE_FILES.webhookSubmitWaitGet, AS_IS),
	batch: loadExample(EXAMPLE_FILES.batchFromCode, AS_IS),
};

/** Example (c) with the Code node making `count` items and Continue On Fail on the Wan VACE node. */
function batchWithContinueOnFail(count: number): WorkflowImport {
	const workflow = loadExample(EXAMPLE_FILES.batchFromCode, AS_IS);
	workflow.name = `e2e: ${count} items with faults`;
	const code = workflowNodes(workflow).find((node) => node.name === CODE);
	if (!code) throw new Error(`${EXAMPLE_FILES.batchFromCode} has no "${CODE}" node`);
	code.parameters.jsCode = `return Array.from({ length: ${count} }, (_, i) => ({ json: {
		prompt: 'fault batch item ' + i,
		videoUrl: 'https://example.com/videos/batch-' + i + '.mp4',
		maskUrl: 'https://example.com/videos/batch-' + i + '-mask.mp4',
	} }));`;
	for (const node of wanVaceNodes(workflow)) node.onError = 'continueRegularOutput';
	return workflow;
}

/** Example (c) with its Code node giving one item per input pair, the inputs checked (the example's default). */
function batchOfInputs(name: string, inputs: Array<{ video: string; mask: string }>, continueOnFail: boolean): WorkflowImport {
	const workflow = loadExample(EXAMPLE_FILES.batchFromCode, { pollIntervalSeconds: POLL_INTERVAL_SECONDS });
	workflow.name = name;
	const code = workflowNodes(workflow).find((node) => node.name === CODE);
	if (!code) throw new Error(`${EXAMPLE_FILES.batchFromCode} has no "${CODE}" node`);
	const items = inputs.map((input, i) => ({ prompt: `checked input ${i}`, videoUrl: input.video, maskUrl: input.mask }));
	code.parameters.jsCode = `return ${JSON.stringify(items)}.map((json) => ({ json }));`;
	for (const node of wanVaceNodes(workflow)) if (continueOnFail) node.onError = 'continueRegularOutput';
	return workflow;
}

/** A local port nothing listens on: opened, then closed again. */
async function closedLocalPort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

describe('examples/ in a real n8n against the simulator', () => {
	let n8n: N8nEnvironment;
	let sim: Simulator;
	let tarball: string | undefined;
	const ids = { generateAndSave: '', webhook: '', batch: '' };

	beforeAll(async () => {
		await ensureN8n();
		tarball = await packPackage();
		sim = await startSimulator({ generationMs: GENERATION_MS });
		n8n = await createN8nEnvironment({ tarball });
		await n8n.importCredentials([exampleCredential({ apiKey: sim.apiKey, baseUrl: sim.baseUrl })]);
		[ids.generateAndSave, ids.webhook, ids.batch] = await n8n.importWorkflows([
			examples.generateAndSave,
			examples.webhook,
			examples.batch,
		]);
	}, INSTALL_TIMEOUT_MS);

	afterAll(async () => {
		await n8n?.dispose();
		await sim?.close();
		if (tarball) await fsp.rm(path.dirname(tarball), { recursive: true, force: true });
	}, BOOT_TIMEOUT_MS);

	beforeEach(() => sim.reset());

	/** A completed generation's output item: the simulator's record behind it, every field checked. */
	function expectCompletedGeneration(json: Record<string, unknown>) {
		expect(json.generationId).toMatch(GENERATION_ID);
		const record = sim.generations.get(json.generationId as string);
		if (!record) throw new Error(`the simulator never created ${String(json.generationId)}`);
		expect(json).toMatchObject({
			status: 'completed',
			videoUrl: `${sim.baseUrl}/files/${record.fileId}.mp4`,
			fileName: `${record.fileId}.mp4`,
			contentType: 'video/mp4',
			fileSize: SAMPLE.length,
			duration: SAMPLE_VIDEO_DURATION_SECONDS,
			creditsUsed: CREDITS_PER_DEFAULT_RUN,
			model: MODEL_ID,
		});
		return record;
	}

	/** The generation's MP4 in the item's binary `data`, byte for byte the file the simulator serves. */
	function expectDownloadedVideo(item: ResultItem, fileName: string) {
		const binary = item.binary?.data;
		// n8n 1.x does not put the exact size (`bytes`) on binaries; the file comparison below holds for both.
		const size = isN8n1(N8N_VERSION) ? {} : { bytes: SAMPLE.length };
		expect(binary).toMatchObject({ mimeType: 'video/mp4', fileName, fileExtension: 'mp4', ...size });
		const file = n8n.binaryFilePath(binary ?? {});
		expect(file).toBeDefined();
		expect(fs.readFileSync(file as string).equals(SAMPLE)).toBe(true);
	}

	/** Exactly one POST per prompt, each accepted: no generation was submitted twice. */
	function expectOnePostPerPrompt(prompts: string[]) {
		const submits = sim.log.filter((entry) => entry.route === 'submit');
		expect(submits.map((entry) => (entry.body as { prompt: string }).prompt).sort()).toEqual([...prompts].sort());
		expect(sim.counters()).toMatchObject({ posts: prompts.length, acceptedPosts: prompts.length });
		expect(sim.generations.size).toBe(prompts.length);
	}

	/** Example (a): the generation, its download(s) and the file the Save node wrote. */
	function expectGeneratedAndSaved(result: ExecutionResult, downloads = 1) {
		expect(result.status).toBe('success');
		expect(result.nodeNames()).toEqual(['Run Manually', GENERATE, SAVE]);
		const [generated] = result.items(GENERATE);
		expect(result.items(GENERATE)).toHaveLength(1);
		const record = expectCompletedGeneration(generated.json);
		expect(generated.pairedItem).toEqual({ item: 0 });
		expectDownloadedVideo(generated, `${record.fileId}.mp4`);
		expect(record.body).toMatchObject({
			model: MODEL_ID,
			prompt: 'A red vintage convertible drives along the coast road, sunset light, cinematic',
			video_url: 'https://example.com/videos/coast-road.mp4',
			mask_video_url: 'https://example.com/videos/coast-road-car-mask.mp4',
		});

		const [saved] = result.items(SAVE);
		expect(saved.pairedItem).toEqual({ item: 0 });
		expect(saved.json.fileName).toBe(`.n8n-files/wan-vace-${record.fileId}.mp4`);
		const written = writtenFilePath(n8n.userFolder, saved.json.fileName);
		expect(path.dirname(written)).toBe(n8n.filesDir);
		expect(fs.readFileSync(written).equals(SAMPLE)).toBe(true);

		expectOnePostPerPrompt([record.body.prompt as string]);
		expect(sim.counters().downloads).toBe(downloads);
	}

	test('every example is importable as is: sticky note, positions, credential "AI/ML API" by name', () => {
		for (const workflow of Object.values(examples)) {
			const nodes = workflowNodes(workflow);
			expect(nodes.some((node) => node.type === 'n8n-nodes-base.stickyNote')).toBe(true);
			for (const node of nodes) expect(node.position).toEqual([expect.any(Number), expect.any(Number)]);
			for (const node of wanVaceNodes(workflow)) expect(node.credentials).toEqual({ aimlApi: EXAMPLE_CREDENTIAL });
		}
	});

	describe('n8n execute (CLI)', () => {
		test(
			'(a) generate-and-save: generates, downloads the MP4 and writes it to .n8n-files',
			async () => {
				const result = await n8n.execute(ids.generateAndSave);

				expect(result.via).toBe('cli');
				expectGeneratedAndSaved(result);
			},
			BOOT_TIMEOUT_MS,
		);

		// n8n 1.x keeps binary data in memory by default (2.x has no such mode): there only the
		// base64 data shows how much arrived.
		(isN8n1(N8N_VERSION) ? test : test.skip)(
			"(a) in n8n 1.x's default binary data mode (in memory): a download ending short is downloaded again",
			async () => {
				const inMemory = await createN8nEnvironment({ tarball, env: { N8N_DEFAULT_BINARY_DATA_MODE: 'default' } });
				try {
					await inMemory.importCredentials([exampleCredential({ apiKey: sim.apiKey, baseUrl: sim.baseUrl })]);
					const [id] = await inMemory.importWorkflows([examples.generateAndSave]);
					sim.addFault({ route: 'download', kind: 'downloadCut', variant: 'chunked', times: 1 });

					const result = await inMemory.execute(id);

					expect(result.status).toBe('success');
					const binary = result.items(GENERATE)[0]?.binary?.data;
					expect(binary?.id).toBeUndefined();
					expect(binary?.data).toBe(SAMPLE.toString('base64'));
					const downloads = sim.log.filter((entry) => entry.route === 'download');
					expect(downloads.map((entry) => entry.fault ?? null)).toEqual(['downloadCut', null]);
				} finally {
					await inMemory.dispose();
				}
			},
			BOOT_TIMEOUT_MS,
		);
	});

	describe('n8n start (one server)', () => {
		let server: N8nServer;

		beforeAll(async () => {
			server = await n8n.startServer();
		}, BOOT_TIMEOUT_MS);

		test(
			'(a) generate-and-save: a manual run through the REST API',
			async () => {
				const result = await n8n.execute(ids.generateAndSave);

				expect(result.via).toBe('server');
				expectGeneratedAndSaved(result);
			},
			RUN_TIMEOUT_MS,
		);

		test(
			'(a) with its first download ending short (no Content-Length): downloaded again, and the stored video is whole',
			async () => {
				// Only the size n8n stored shows the loss: 2.x puts it on the binary, 1.x in its metadata.
				sim.addFault({ route: 'download', kind: 'downloadCut', variant: 'chunked', times: 1 });

				const result = await n8n.execute(ids.generateAndSave);

				expectGeneratedAndSaved(result, 2);
				const downloads = sim.log.filter((entry) => entry.route === 'download');
				expect(downloads.map((entry) => entry.fault ?? null)).toEqual(['downloadCut', null]);
			},
			RUN_TIMEOUT_MS,
		);

		test(
			'the credential test (n8n\'s "Test" button) passes, and a failing one names the cause without the key',
			async () => {
				const test = async (data: { apiKey: string; baseUrl: string }) =>
					await server.rest<{ status: string; message: string }>('POST', '/credentials/test', {
						credentials: { id: n8n.credentialId(EXAMPLE_CREDENTIAL.id), name: EXAMPLE_CREDENTIAL.name, type: AIML_API_CREDENTIAL_TYPE, data },
					});
				const wrongKey = `sk-wrong-${sim.apiKey}`;
				const closedPort = `http://127.0.0.1:${await closedLocalPort()}`;

				expect(await test({ apiKey: sim.apiKey, baseUrl: sim.baseUrl })).toMatchObject({ status: 'OK' });
				const wrong = await test({ apiKey: wrongKey, baseUrl: sim.baseUrl });
				const refused = await test({ apiKey: wrongKey, baseUrl: closedPort });
				const notTheApi = await test({ apiKey: sim.apiKey, baseUrl: `${sim.baseUrl}/not-the-api` });

				expect(wrong.status).toBe('Error');
				// n8n 1.x answers a 401 and a 404 with its own generic messages, not the credential's rules.
				expect(wrong.message).toBe(
					isN8n1(N8N_VERSION)
						? 'Authorization failed - please check your credentials'
						: 'AI/ML API rejected the API key (HTTP 401). Copy it again from https://aimlapi.com/app/keys.',
				);
				expect(refused.status).toBe('Error');
				expect(refused.message).toMatch(/ECONNREFUSED|refused/i);
				expect(notTheApi).toMatchObject({
					status: 'Error',
					message: isN8n1(N8N_VERSION)
						? 'The resource you are requesting could not be found'
						: expect.stringContaining('No AI/ML API answers at this Base URL (HTTP 404)'),
				});
				for (const answer of [wrong, refused, notTheApi]) expect(JSON.stringify(answer)).not.toContain(sim.apiKey);
				// n8n may ask more than once; the right key always passes, the wrong one never does.
				const billingChecks = sim.log.filter((entry) => entry.path === '/v1/billing/balance');
				const rightKey = (entry: (typeof billingChecks)[number]) => entry.headers.authorization === `Bearer ${sim.apiKey}`;
				expect(billingChecks.filter(rightKey).map((entry) => entry.status)).toEqual([200]);
				expect(new Set(billingChecks.filter((entry) => !rightKey(entry)).map((entry) => entry.status))).toEqual(new Set([401]));
			},
			RUN_TIMEOUT_MS,
		);

		test(
			'(b) webhook-submit-wait-get: answers with the generation ID at once, waits 70 s in the database, uploads the MP4 to the callback URL',
			async () => {
				const webhook = workflowNodes(examples.webhook).find((node) => node.type === 'n8n-nodes-base.webhook');
				await server.activateWorkflow(ids.webhook);
				const receiver = await startCallbackReceiver();
				try {
					const body = {
						prompt: 'A paper boat floats down the rain gutter',
						videoUrl: 'https://example.com/videos/street-gutter.mp4',
						maskUrl: 'https://example.com/videos/street-gutter-boat-mask.mp4',
						callbackUrl: receiver.url('videos/paper-boat'),
					};
					const afterId = await server.lastExecutionId(ids.webhook);
					const calledAt = Date.now();
					const response = await server.callWebhook(String(webhook?.parameters.path), { body, timeoutMs: RUN_TIMEOUT_MS });

					expect(response.status).toBe(202);
					const answer = response.json<Record<string, unknown>>();
					expect(answer).toEqual({ generationId: expect.stringMatching(GENERATION_ID), status: 'queued' });
					expect(sim.generations.get(answer.generationId as string)?.body).toMatchObject({
						prompt: body.prompt,
						video_url: body.videoUrl,
						mask_video_url: body.maskUrl,
					});
					// Status "waiting" is n8n's saved wait: an in-memory wait (under 65 s) shows as "running".
					const waiting = await server.waitForExecution(ids.webhook, { afterId });
					expect(waiting.status).toBe('waiting');
					expect(receiver.received).toHaveLength(0);

					const [upload] = await receiver.waitFor(1, 2 * RUN_TIMEOUT_MS);
					const execution = await server.getExecution(waiting.executionId as string, { pastWaiting: true });
					expect(execution.status).toBe('success');
					expect(execution.mode).toBe('webhook');
					expect(execution.nodeNames()).toEqual([
						'Webhook',
						'Submit Generation',
						'Respond with Generation ID',
						'Wait 70 s',
						'Get Result',
						'Upload Video to Callback',
					]);
					expect(upload.at - calledAt).toBeGreaterThanOrEqual(70_000);
					expect(upload.path).toBe('/videos/paper-boat');
					expect(upload.headers['x-generation-id']).toBe(answer.generationId);
					expect(String(upload.headers['content-type'])).toMatch(/^video\/mp4/);
					expect(upload.body.equals(SAMPLE)).toBe(true);
					const [got] = execution.items('Get Result');
					expectCompletedGeneration(got.json);
					expect(got.json.generationId).toBe(answer.generationId);
					expect(got.pairedItem).toEqual({ item: 0 });

					expectOnePostPerPrompt([body.prompt]);
					expect(sim.counters().downloads).toBe(1);
				} finally {
					await receiver.close();
				}
			},
			3 * RUN_TIMEOUT_MS,
		);

		test(
			'(c) batch-from-code: three items, each generated from its own prompt, video and mask',
			async () => {
				const result = await n8n.execute(ids.batch);

				expect(result.status).toBe('success');
				const inputs = result.json(CODE);
				expect(inputs).toHaveLength(3);
				const outputs = result.items(GENERATE);
				expect(outputs).toHaveLength(3);
				outputs.forEach((item, index) => {
					const record = expectCompletedGeneration(item.json);
					expect(item.pairedItem).toEqual({ item: index });
					expect(item.binary).toBeUndefined();
					expect(record.body).toMatchObject({
						prompt: inputs[index].prompt,
						video_url: inputs[index].videoUrl,
						mask_video_url: inputs[index].maskUrl,
					});
				});
				expect(new Set(outputs.map((item) => item.json.generationId)).size).toBe(3);
				expectOnePostPerPrompt(inputs.map((json) => json.prompt as string));
			},
			RUN_TIMEOUT_MS,
		);

		test(
			'input checks: a share page, a private URL, a wrong media type and a broken file are refused before any POST',
			async () => {
				const good = { video: sim.inputUrl('sample.mp4'), mask: sim.inputUrl('mask.mp4') };
				const inputs = [
					good,
					{ ...good, video: sim.inputUrl('share-page') },
					{ ...good, video: sim.inputUrl('status/403') },
					{ ...good, mask: sim.inputUrl('frame.png') },
					{ ...good, video: sim.inputUrl('truncated.mp4') },
				];
				const refusals = [
					'Video URL (video_url) is a web page (HTML), not a media file',
					'Video URL (video_url) is not public (HTTP 403)',
					'Mask URL (mask_video_url) holds an image (PNG, 64x64), not a video',
					'Video URL (video_url) claims to be MP4 but its header cannot be read: the file ends inside its mdat box (1200 of 1469 bytes) before any moov box: it was cut short or is still being written',
				];
				const [stopping, continuing] = await n8n.importWorkflows([
					batchOfInputs('e2e: checked inputs', inputs, false),
					batchOfInputs('e2e: checked inputs, Continue On Fail', inputs, true),
				]);

				const stopped = await n8n.execute(stopping);
				expect(stopped.status).toBe('error');
				expect(stopped.nodeError(GENERATE)?.message).toBe(refusals[0]);
				expect(sim.log.filter((entry) => entry.route === 'submit')).toHaveLength(0);

				sim.reset();
				const result = await n8n.execute(continuing);
				expect(result.status).toBe('success');
				const outputs = result.json(GENERATE);
				expect(outputs.map((json) => json.error)).toEqual([undefined, ...refusals]);
				expect(outputs[2].description).toContain('Share it publicly or use a presigned URL');
				expectCompletedGeneration(outputs[0]);
				const video = { contentType: 'video/mp4', container: 'mp4', width: 64, height: 64, durationSeconds: 1, frames: 16, framesPerSecond: 16 };
				expect(outputs[0].inputs).toEqual({ video_url: { ...video, bytes: SAMPLE.length }, mask_video_url: { ...video, bytes: 1771 } });
				expect(outputs[0].inputWarnings).toEqual([expect.stringContaining('Number of Frames asks for 81 frames'), expect.stringContaining('Resolution 480p')]);
				const hints = (result.raw as { data?: { resultData?: { runData?: Record<string, Array<{ hints?: Array<{ message: string }> }>> } } }).data?.resultData?.runData?.[GENERATE]?.[0]?.hints;
				expect(hints?.map((hint) => hint.message)).toEqual((outputs[0].inputWarnings as string[]).map((warning) => `Item 0: ${warning}`));
				expectOnePostPerPrompt(['checked input 0']);
			},
			RUN_TIMEOUT_MS,
		);

		test(
			'a batch of 20 with faults (429 on submit; 429, 503, resets on polls) and Continue On Fail',
			async () => {
				const count = 20;
				const id = await n8n.importWorkflow(batchWithContinueOnFail(count));
				sim.options.seed = 20251125;
				sim.reset();
				sim.addFault({ route: 'submit', kind: 'status', status: 429, retryAfter: 1, probability: 0.3 });
				sim.addFault({ route: 'poll', kind: 'status', status: 429, retryAfter: 1, probability: 0.3 });
				sim.addFault({ route: 'poll', kind: 'status', status: 503, probability: 0.3 });
				sim.addFault({ route: 'poll', kind: 'reset', probability: 0.3 });

				const result = await n8n.execute(id, { timeoutMs: 4 * 60_000 });

				expect(result.status).toBe('success');
				const inputs = result.json(CODE);
				const outputs = result.items(GENERATE);
				expect(inputs).toHaveLength(count);
				expect(outputs).toHaveLength(count);
				const faults = sim.log.filter((entry) => entry.fault).map((entry) => `${entry.route} ${entry.fault}`);
				expect(new Set(faults)).toEqual(new Set(['submit status:429', 'poll status:429', 'poll status:503', 'poll reset']));

				outputs.forEach((item, index) => {
					expect(item.pairedItem).toEqual({ item: index });
					if (item.json.error !== undefined) return; // a failed item (Continue On Fail) still has its place
					const record = expectCompletedGeneration(item.json);
					expect(record.body.prompt).toBe(inputs[index].prompt);
				});
				// Every generation the simulator created is in exactly one output item: none lost, none twice.
				const outputIds = outputs.map((item) => item.json.generationId).filter((value) => value !== undefined);
				expect([...outputIds].sort()).toEqual([...sim.generations.keys()].sort());

				// A prompt is POSTed again only after a 429 (nothing created); never once accepted.
				const submitsByPrompt = new Map<string, Array<{ accepted: boolean }>>();
				for (const entry of sim.log.filter((logged) => logged.route === 'submit')) {
					const prompt = (entry.body as { prompt: string }).prompt;
					submitsByPrompt.set(prompt, [...(submitsByPrompt.get(prompt) ?? []), { accepted: entry.generationId !== undefined }]);
				}
				expect(submitsByPrompt.size).toBe(count);
				for (const submits of submitsByPrompt.values()) {
					expect(submits.filter((submit) => submit.accepted).length).toBeLessThanOrEqual(1);
					expect(submits.slice(0, -1).every((submit) => !submit.accepted)).toBe(true);
				}
				expect(sim.counters().acceptedPosts).toBe(sim.generations.size);
			},
			5 * 60_000,
		);
	});
});
