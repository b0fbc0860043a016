/**
 * The workflows in examples/, each imported from its file through the editor's own import
 * (workflow menu > Import > From file) and run from the editor against the simulator; and the
 * node as an AI Agent's tool, picked in the agent's tools panel. Real n8n 2.41.1, Chromium.
 */
import { startCallbackReceiver } from '../e2e/callbackReceiver';
import { httpRequest } from '../e2e/n8n/process';
import { sampleVideoBytes } from '../simulator';
import { EXAMPLE_FILES, exampleCredential, loadExample, wanVaceNodes, workflowNodes } from '../e2e/examples';
import { fs, os, path } from '../support/node';
import { type Editor, NODE_DISPLAY_NAME, TOOL_DISPLAY_NAME, eventually } from './editor';
import { STEP_TIMEOUT_MS, useEditorSession } from './session';

const RUN_TIMEOUT_MS = 90_000;
/** The durable webhook example waits 70 s (so n8n saves the wait) before it fetches and uploads. */
const WAIT_EXAMPLE_TIMEOUT_MS = 150_000;

const session = useEditorSession();
const { step } = session;
const editor = (): Editor => session.get().editor;

beforeAll(async () => {
	const { n8n, sim } = session.get();
	await n8n.importCredentials([exampleCredential({ apiKey: sim.apiKey, baseUrl: sim.baseUrl })]);
});

/**
 * examples/<file> as it is but for Run Options > Check Inputs, off: the example's inputs are
 * on example.com, which no test may call. Written to a temporary file for the editor's import.
 */
function exampleWithoutInputChecks(file: string): string {
	const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wan-vace-example-')), file);
	fs.writeFileSync(copy, JSON.stringify(loadExample(file, { checkInputs: false }), null, 2));
	return copy;
}

/** Imports examples/<file> (see exampleWithoutInputChecks) through the editor and waits until its nodes are on the canvas. */
async function importExample(file: string): Promise<string[]> {
	const workflow = loadExample(file);
	const names = workflowNodes(workflow)
		.filter((node) => node.type !== 'n8n-nodes-base.stickyNote')
		.map((node) => node.name);
	await editor().newWorkflow();
	const copy = exampleWithoutInputChecks(file);
	try {
		await editor().importFromFile(copy);
		await eventually(
			async () => await editor().byId('canvas-node').allInnerTexts(),
			(texts) => names.every((name) => texts.some((text) => text.split('\n').includes(name))),
			`the nodes of ${file} on the canvas`,
		);
	} finally {
		// Not before the nodes are on the canvas: Chromium reads a chosen file when the page does.
		fs.rmSync(path.dirname(copy), { recursive: true, force: true });
	}
	return names;
}

/** Waits until every node of the run shows n8n's success mark on the canvas. */
async function waitForSuccess(names: string[]): Promise<void> {
	for (const name of names) {
		await editor().canvasNode(name).getByTestId('canvas-node-status-success').waitFor({ timeout: RUN_TIMEOUT_MS });
	}
}

/** Opens a node of the finished run: what its output panel shows (JSON view) and its item count. */
async function outputOf(name: string): Promise<{ text: string; items: number }> {
	await editor().openNode(name);
	const text = await editor().outputJson();
	const count = await editor().outputPanel().getByTestId('ndv-items-count').innerText();
	await editor().closeNdv();
	return { text, items: Number(/(\d+) items?/.exec(count)?.[1] ?? NaN) };
}

describe('examples/ imported and run in the editor', () => {
	it(
		`${EXAMPLE_FILES.generateAndSave}: generates, downloads and writes the MP4`,
		async () => {
			await step('example: generate and save', async () => {
				const names = await importExample(EXAMPLE_FILES.generateAndSave);
				await editor().executeWorkflow();
				await waitForSuccess(names);
				await session.docsScreenshot('example-workflow.png');
				const generated = await outputOf(NODE_DISPLAY_NAME);
				expect(generated.items).toBe(1);
				expect(generated.text).toMatch(/"generationId":\s*"[0-9a-f-]{36}:alibaba/);
				const saved = await outputOf('Save MP4 to Disk');
				expect(saved.text).toMatch(/"fileName":\s*"[^"]*wan-vace-[0-9a-f-]{36}\.mp4"/);
			});
		},
		STEP_TIMEOUT_MS,
	);

	it(
		`${EXAMPLE_FILES.batchFromCode}: one output item per video, in order`,
		async () => {
			await step('example: batch from code', async ({ sim }) => {
				const names = await importExample(EXAMPLE_FILES.batchFromCode);
				const before = sim.counters().acceptedPosts;
				await editor().executeWorkflow();
				await waitForSuccess(names);
				const output = await outputOf(NODE_DISPLAY_NAME);
				const created = sim.counters().acceptedPosts - before;
				expect(created).toBeGreaterThan(1);
				expect(output.items).toBe(created);
				expect(output.text).toMatch(/"generationId":\s*"[0-9a-f-]{36}:alibaba/);
			});
		},
		STEP_TIMEOUT_MS,
	);

	it(
		`${EXAMPLE_FILES.webhookSubmitWaitGet}: answers a test call with the generation ID, then uploads the MP4 after its 70 s Wait`,
		async () => {
			await step('example: durable webhook', async ({ server, sim }) => {
				const workflow = loadExample(EXAMPLE_FILES.webhookSubmitWaitGet);
				const webhook = workflowNodes(workflow).find((node) => node.type === 'n8n-nodes-base.webhook');
				const names = await importExample(EXAMPLE_FILES.webhookSubmitWaitGet);
				const receiver = await startCallbackReceiver();
				try {
					await editor().executeWorkflow();
					await editor().page.getByText(/Waiting for (you to call the Test URL|trigger event)/i).first().waitFor();
					// The editor shows "Waiting for you to call the Test URL" a moment before n8n has
					// registered the test webhook, which answers 404 until then (nothing runs on a 404).
					const callTestUrl = async () =>
						await httpRequest(new URL(`${server.baseUrl}/webhook-test/${String(webhook?.parameters.path)}`), {
							method: 'POST',
							headers: { 'content-type': 'application/json' },
							body: Buffer.from(
								JSON.stringify({
									prompt: 'A red vintage convertible drives along the coast road',
									videoUrl: 'https://example.com/videos/coast-road.mp4',
									maskUrl: 'https://example.com/videos/coast-road-car-mask.mp4',
									callbackUrl: receiver.url('videos/coast-road'),
								}),
							),
							timeoutMs: RUN_TIMEOUT_MS,
						});
					const response = await eventually(callTestUrl, (answer) => answer.status !== 404, 'the test webhook registered');
					expect(response.status).toBe(202);
					const answer = JSON.parse(response.body.toString('utf8')) as { generationId: string };
					expect(answer.generationId).toMatch(/^[0-9a-f-]{36}:alibaba/);
					const [upload] = await receiver.waitFor(1, WAIT_EXAMPLE_TIMEOUT_MS);
					expect(upload.headers['x-generation-id']).toBe(answer.generationId);
					expect(upload.body.equals(sampleVideoBytes())).toBe(true);
					await waitForSuccess(names);
					const get = wanVaceNodes(workflow).find((node) => node.parameters.operation === 'get');
					expect((await outputOf(get?.name ?? '')).text).toContain(answer.generationId);
					expect(sim.generations.size).toBeGreaterThan(0);
				} finally {
					await receiver.close();
				}
			});
		},
		STEP_TIMEOUT_MS,
	);
});

describe('as an AI Agent tool', () => {
	it(
		"is listed in the agent's tools panel and can be added there",
		async () => {
			await step('tool variant under an AI Agent', async () => {
				await editor().newWorkflow();
				await editor().addFirstTrigger('Trigger manually');
				await editor().openNodesPanel();
				await editor().searchNodes('AI Agent', 'AI Agent');
				await editor().nodeCreatorItem('AI Agent').click();
				await editor().ndv().waitFor();
				await editor().closeNdv();
				await editor().page.locator('[data-test-id="canvas-node-input-handle"][data-connection-type="ai_tool"]').getByTestId('canvas-handle-plus').click();
				const tools = await editor().searchNodes('wan', TOOL_DISPLAY_NAME);
				expect(tools).toContain(TOOL_DISPLAY_NAME);
				await editor().nodeCreatorItem(TOOL_DISPLAY_NAME).click();
				await editor().ndv().waitFor();
				expect(await editor().ndv().innerText()).toMatch(/Tool Description/);
				await editor().parameter('prompt').waitFor();
				await editor().closeNdv();
				const nodes = await editor().byId('canvas-node').allInnerTexts();
				expect(nodes.some((text) => text.includes(NODE_DISPLAY_NAME))).toBe(true);
			});
		},
		STEP_TIMEOUT_MS,
	);
});


