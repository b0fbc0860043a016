import type { INodeExecutionData } from 'n8n-workflow';

import type { FaultRule, Simulator } from '../../simulator';
import { SAMPLE_VIDEO, checkedParameters, downloads, generateParameters, runAgainst, useSimulator } from '../../harness/fixtures';
import type { RunNodeOptions } from '../../harness/engine';

/**
 * Retry On Fail in n8n-core's engine: n8n calls execute() again when the node throws (or,
 * under Continue On Fail, when its first output item has an error). Nothing that was created
 * and did not fail may be paid again.
 */
const simulator = useSimulator({ generationMs: 300 });

const PROMPTS = ['first item', 'second item', 'third item'];
const items = PROMPTS.map((prompt) => ({ json: { prompt } }));
const parameters = (operation = 'generate') =>
	generateParameters({ operation, prompt: '={{ $json.prompt }}', runOptions: operation === 'generate' ? { downloadVideo: true } : {} });
const forItem = (index: number) => ({ match: ({ body }: { body?: Record<string, unknown> }) => body?.prompt === PROMPTS[index] });

async function runWithRetry(sim: Simulator, faults: FaultRule[], options: Partial<RunNodeOptions> = {}) {
	for (const fault of faults) sim.addFault(fault);
	return await runAgainst(sim, { parameters: parameters(), items, retryOnFail: { maxTries: 3 }, ...options });
}

const createdFor = (sim: Simulator, index: number) => [...sim.generations.values()].filter((g) => g.body.prompt === PROMPTS[index]).length;
const idOf = (item: INodeExecutionData) => item.json.generationId as string;

/** Every item completed, with its own generation, its prompt, and its video downloaded exactly once. */
function expectEveryVideoOnce(sim: Simulator, output: INodeExecutionData[]) {
	expect(output.map((item) => item.json.status)).toEqual(['completed', 'completed', 'completed']);
	expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	expect(new Set(output.map(idOf)).size).toBe(3);
	output.forEach((item, index) => {
		expect(sim.generations.get(idOf(item))?.body.prompt).toBe(PROMPTS[index]);
		expect(item.binary?.data).toMatchObject({ id: expect.stringMatching(/^filesystem-v2:/), bytes: SAMPLE_VIDEO.length });
		expect(downloads(sim).filter((entry) => entry.generationId === idOf(item) && entry.status === 200 && !entry.fault)).toHaveLength(1);
	});
}

describe('Retry On Fail: Generate never pays twice', () => {
	it('a generation failed at the model: only that item is submitted again', async () => {
		const sim = simulator();
		const result = await runWithRetry(sim, [{ route: 'poll', kind: 'jobError', times: 1, ...forItem(1) }]);
		expect(result.error).toBeUndefined();
		expectEveryVideoOnce(sim, result.items);
		expect([createdFor(sim, 0), createdFor(sim, 1), createdFor(sim, 2)]).toEqual([1, 2, 1]);
		expect(sim.counters().posts).toBe(4);
	});

	it('with Continue On Fail, a failed first item makes n8n rerun the node: the others are reused', async () => {
		const sim = simulator();
		const result = await runWithRetry(sim, [{ route: 'poll', kind: 'jobError', times: 1, ...forItem(0) }], { continueOnFail: true });
		expectEveryVideoOnce(sim, result.items);
		expect([createdFor(sim, 0), createdFor(sim, 1), createdFor(sim, 2)]).toEqual([2, 1, 1]);
	});

	it('with Continue On Fail, n8n does not rerun for a failed item other than the first (measured)', async () => {
		const sim = simulator();
		const result = await runWithRetry(sim, [{ route: 'poll', kind: 'jobError', times: 1, ...forItem(1) }], { continueOnFail: true });
		expect(result.items[1].json.error).toMatch(/failed/);
		expect(result.items[0].json.status).toBe('completed');
		expect(sim.generations.size).toBe(3);
	});

	it('a submission refused up front (402): resubmitted, the others reused', async () => {
		const sim = simulator();
		const result = await runWithRetry(sim, [{ route: 'submit', kind: 'status', status: 402, times: 1, ...forItem(2) }]);
		expect(result.error).toBeUndefined();
		expectEveryVideoOnce(sim, result.items);
		expect(sim.generations.size).toBe(3);
		expect(sim.counters().posts).toBe(4);
	});

	it('a submission that may have created a generation (500) is not sent again: reported on each try', async () => {
		const sim = simulator();
		// On the first item, so that n8n reruns the node under Continue On Fail.
		const result = await runWithRetry(sim, [{ route: 'submit', kind: 'status', status: 500, times: 1, ...forItem(0) }], { continueOnFail: true });
		// The simulator created (and charged) the generation before answering 500: never a second one.
		expect(createdFor(sim, 0)).toBe(1);
		expect(sim.counters().posts).toBe(3);
		expect(result.items[0].json.error).toMatch(/HTTP 500/);
		expect(result.items[0].json.description).toMatch(/Retry On Fail did not submit it again/);
		expect(result.items.map((item) => item.json.status)).toEqual([undefined, 'completed', 'completed']);
	});

	it('the same without Continue On Fail: the node fails, listing the generations of the run', async () => {
		const sim = simulator();
		const result = await runWithRetry(sim, [{ route: 'submit', kind: 'status', status: 500, times: 1, ...forItem(1) }]);
		expect(sim.generations.size).toBe(3);
		expect(sim.counters().posts).toBe(3);
		expect(result.error?.message).toMatch(/HTTP 500/);
		const others = [...sim.generations.values()].filter((g) => g.body.prompt !== PROMPTS[1]).map((g) => g.id);
		for (const id of others) expect(result.error?.description).toContain(id);
	});

	it('a download that failed: polled and downloaded again, not resubmitted', async () => {
		const sim = simulator();
		const result = await runWithRetry(sim, [{ route: 'download', kind: 'status', status: 404, times: 3, ...forItem(0) }]);
		expect(result.error).toBeUndefined();
		expectEveryVideoOnce(sim, result.items);
		expect(sim.generations.size).toBe(3);
	});

	it('a download that failed, with Continue On Fail', async () => {
		const sim = simulator();
		const result = await runWithRetry(sim, [{ route: 'download', kind: 'downloadCut', times: 3, ...forItem(0) }], { continueOnFail: true });
		expectEveryVideoOnce(sim, result.items);
		expect(sim.generations.size).toBe(3);
	});

	it('failing on every try: each try resubmits only the failed item, and the last error stops the node', async () => {
		const sim = simulator();
		const result = await runWithRetry(sim, [{ route: 'poll', kind: 'jobError', ...forItem(1) }]);
		expect(result.error?.message).toMatch(/failed/);
		expect([createdFor(sim, 0), createdFor(sim, 1), createdFor(sim, 2)]).toEqual([1, 3, 1]);
	});

	it('a new execution of the same request is a new generation (nothing is reused across executions)', async () => {
		const sim = simulator();
		await runAgainst(sim, { parameters: parameters(), items, retryOnFail: { maxTries: 2 } });
		await runAgainst(sim, { parameters: parameters(), items, retryOnFail: { maxTries: 2 } });
		expect(sim.generations.size).toBe(6);
	});
});

describe('Retry On Fail with Check Inputs: an item is checked once per submission', () => {
	/** Each item's video is a presigned link that expires after one read; its mask does not. */
	const expiringItems = (sim: Simulator) =>
		PROMPTS.map((prompt, index) => ({ json: { prompt, videoUrl: `${sim.inputUrl('sample.mp4')}?reads=1&item=${index}` } }));
	const checked = (sim: Simulator) =>
		checkedParameters(sim, { prompt: '={{ $json.prompt }}', videoUrl: '={{ $json.videoUrl }}', runOptions: { downloadVideo: true } });
	const videoReads = (sim: Simulator, index: number) => sim.inputLog.filter((entry) => entry.path.endsWith(`item=${index}`));

	it('a generation an earlier try has is not checked again: its link expired meanwhile, and it still comes out', async () => {
		const sim = simulator();
		sim.addFault({ route: 'download', kind: 'status', status: 404, times: 3, ...forItem(0) });
		const result = await runAgainst(sim, { parameters: checked(sim), items: expiringItems(sim), retryOnFail: { maxTries: 3 } });
		expect(result.error).toBeUndefined();
		expectEveryVideoOnce(sim, result.items);
		expect(sim.generations.size).toBe(3);
		for (const index of [0, 1, 2]) expect(videoReads(sim, index).map((entry) => entry.status)).toEqual([206]);
		// What the first try's checks found comes out with the restored generation.
		for (const item of result.items) {
			expect(item.json.inputs).toMatchObject({ video_url: { width: 64, height: 64, frames: 16 } });
			expect(item.json.inputWarnings).toEqual(expect.arrayContaining([expect.stringMatching(/^Number of Frames/)]));
		}
	});

	it('an item submitted again (its generation failed) is checked again: an expired link is refused, nothing paid', async () => {
		const sim = simulator();
		sim.addFault({ route: 'poll', kind: 'jobError', times: 1, ...forItem(1) });
		const result = await runAgainst(sim, { parameters: checked(sim), items: expiringItems(sim), retryOnFail: { maxTries: 3 } });
		expect(result.error?.message).toMatch(/^Video URL .*403/);
		expect(videoReads(sim, 1).map((entry) => entry.status)).toEqual([206, 403, 403]);
		expect(videoReads(sim, 0)).toHaveLength(1);
		expect(sim.counters().posts).toBe(3);
	});
});

describe('Retry On Fail: Submit', () => {
	it('resubmits only the refused item; the IDs already created come out again', async () => {
		const sim = simulator();
		const result = await runWithRetry(sim, [{ route: 'submit', kind: 'status', status: 402, times: 1, ...forItem(0) }], {
			parameters: parameters('submit'),
		});
		expect(result.error).toBeUndefined();
		expect(sim.generations.size).toBe(3);
		expect(new Set(result.items.map(idOf)).size).toBe(3);
		result.items.forEach((item, index) => expect(sim.generations.get(idOf(item))?.body.prompt).toBe(PROMPTS[index]));
	});
});
