import type { INodeExecutionData } from 'n8n-workflow';

import type { RunNodeResult } from '../../harness/engine';
import { FAST_RUN_OPTIONS, SAMPLE_VIDEO, generateParameters, quietLogLength, runAgainst, useSimulator } from '../../harness/fixtures';
import type { FaultRule, Simulator } from '../../simulator';
import { delay } from '../../support/node';
import { AMBIGUOUS_SUBMIT_FAULTS, ITEM_ENDING_FAULTS, MIXED_FAULTS, TRANSIENT_FAULTS } from './scenarios';

/**
 * 100 items through the node (n8n-core's WorkflowExecute, Continue On Fail on) while the
 * simulator injects one fault kind at a time, then all of them mixed with a fixed seed.
 * Whatever happens: items in = items out, each item ends with its video or an error item
 * that says what happened and carries the generation ID whenever the API issued one, and
 * no item ever causes a second generation.
 */
const N = 100;
/** The poll interval of these runs (the fixtures' FAST_RUN_OPTIONS). */
const POLL_INTERVAL_MS = FAST_RUN_OPTIONS.pollIntervalSeconds * 1000;
const simulator = useSimulator({ generationMs: 300, seed: 7 });

const items = Array.from({ length: N }, (_, index) => ({ json: { prompt: `clip ${index}` } }));
const parameters = generateParameters({
	prompt: '={{ $json.prompt }}',
	runOptions: { requestTimeoutSeconds: 1, maxConcurrentRequests: 25, downloadVideo: true, maxWaitMinutes: 2 },
});

interface Audit {
	succeeded: number;
	failed: number;
	/** Generations the API created whose ID never reached the node (answer lost). */
	lostAnswers: number;
}

function promptIndex(prompt: unknown): number {
	return Number(String(prompt).replace('clip ', ''));
}

function audit(sim: Simulator, result: RunNodeResult): Audit {
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(N);
	result.items.forEach((item, index) => expect(item.pairedItem).toEqual({ item: index }));

	// No item created two generations.
	const generationsPerItem = new Map<number, number>();
	for (const generation of sim.generations.values()) {
		const index = promptIndex(generation.body.prompt);
		generationsPerItem.set(index, (generationsPerItem.get(index) ?? 0) + 1);
	}
	expect([...generationsPerItem.values()].every((count) => count === 1)).toBe(true);

	// Every ID the API handed out is reported on its own item.
	const delivered = new Set(
		sim.log
			.filter((entry) => entry.route === 'submit' && entry.generationId && entry.status !== null && entry.status < 300 && !entry.fault)
			.map((entry) => entry.generationId as string),
	);
	let lostAnswers = 0;
	for (const generation of sim.generations.values()) {
		const item = result.items[promptIndex(generation.body.prompt)];
		if (delivered.has(generation.id)) {
			expect(item.json.generationId).toBe(generation.id);
		} else {
			lostAnswers++;
			expect(item.json.error).toBeDefined();
			expect(`${item.json.error} ${item.json.description}`).toMatch(/may have reached AI\/ML API|has no generation ID/);
		}
	}

	let succeeded = 0;
	for (const item of result.items as INodeExecutionData[]) {
		if (item.json.error) {
			expect(typeof item.json.error).toBe('string');
			expect(String(item.json.error).length).toBeGreaterThan(20);
			continue;
		}
		succeeded++;
		expect(item.json.status).toBe('completed');
		expect(item.binary?.data?.bytes).toBe(SAMPLE_VIDEO.length);
	}
	return { succeeded, failed: N - succeeded, lostAnswers };
}

async function run(sim: Simulator, faults: FaultRule[]): Promise<Audit> {
	for (const fault of faults) sim.addFault(fault);
	return audit(sim, await runAgainst(sim, { items, continueOnFail: true, parameters }));
}

describe(`${N} items under faults`, () => {
	describe('transient faults: every item still gets its video', () => {
		it.each(TRANSIENT_FAULTS)('%s', async (_name, faults) => {
			const sim = simulator();
			const outcome = await run(sim, faults);
			if (_name.includes('reset before the API took it')) {
				// A reset cannot be told apart from one after acceptance: reported, never resubmitted.
				expect(outcome.succeeded + outcome.failed).toBe(N);
				expect(sim.counters().acceptedPosts).toBe(outcome.succeeded);
			} else {
				expect(outcome).toEqual({ succeeded: N, failed: 0, lostAnswers: 0 });
			}
		});

		it('connection refused during the submissions', async () => {
			const sim = simulator();
			const refused = sim.refuseConnections(700);
			const outcome = await run(sim, []);
			await refused;
			expect(outcome).toEqual({ succeeded: N, failed: 0, lostAnswers: 0 });
			expect(sim.counters().acceptedPosts).toBe(N);
		});

		it('connection refused while polling', async () => {
			const sim = simulator();
			sim.options.generationMs = 1500;
			const running = runAgainst(sim, { items, continueOnFail: true, parameters });
			while (sim.counters().acceptedPosts < N) await delay(20);
			await sim.refuseConnections(1500);
			const outcome = audit(sim, await running);
			expect(outcome).toEqual({ succeeded: N, failed: 0, lostAnswers: 0 });
		});
	});

	describe('faults that end items: an error item each, with the generation ID when there is one', () => {
		it.each(ITEM_ENDING_FAULTS)('%s', async (_name, faults) => {
			const sim = simulator();
			const outcome = await run(sim, faults);
			expect(outcome.failed).toBeGreaterThan(0);
			expect(outcome.lostAnswers).toBe(0);
			expect(sim.counters().acceptedPosts).toBe(N);
		});

		it.each(AMBIGUOUS_SUBMIT_FAULTS)('ambiguous %s: reported, never resubmitted', async (_name, fault) => {
			const sim = simulator();
			const outcome = await run(sim, [fault]);
			expect(outcome.failed).toBeGreaterThan(0);
			expect(outcome.lostAnswers).toBe(outcome.failed);
			expect(sim.counters().posts).toBe(N);
		});
	});

	it('all faults mixed at random (seed 7)', async () => {
		const sim = simulator();
		const outcome = await run(sim, MIXED_FAULTS);
		expect(outcome.succeeded).toBeGreaterThan(N / 2);
		expect(outcome.failed).toBeGreaterThan(0);
		expect(sim.counters().acceptedPosts).toBe(sim.generations.size);
	});

	it('cancel mid-batch: the run ends and nothing keeps polling after it', async () => {
		const sim = simulator();
		sim.options.generationMs = 60_000;
		const result = await runAgainst(sim, { items, parameters, cancelAfterMs: 2000 });
		expect(result.run.status).toBe('canceled');
		expect(sim.generations.size).toBe(N);
		const requests = await quietLogLength(sim);
		// An observation window of several poll intervals: a job still scheduled would poll in it.
		await delay(4 * POLL_INTERVAL_MS);
		expect(sim.log.slice(requests)).toEqual([]);
	});
});
