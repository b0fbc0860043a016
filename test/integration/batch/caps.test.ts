import type { INodeParameters } from 'n8n-workflow';

import { generateParameters, runAgainst, submits, useSimulator } from '../../harness/fixtures';

/** Priced before paying: the catalogue estimate, the two caps per run, and Estimate Only. */
const simulator = useSimulator({ generationMs: 300 });

const ten = Array.from({ length: 10 }, (_, index) => ({ json: { prompt: `shot ${index}` } }));
// 81 frames at 16 fps, 480p: 5.0625 s × $0.0168 = $0.08505 an item; $0.35 admits 4 (4 × 0.08505 = 0.3402).
const ITEM_USD = 0.08505;
const parameters = (runOptions: INodeParameters) => generateParameters({ prompt: '={{ $json.prompt }}', runOptions });
const catalogueReads = (sim: ReturnType<typeof simulator>) => sim.log.filter((entry) => entry.route === 'catalogue').length;
const submittedPrompts = (sim: ReturnType<typeof simulator>) => submits(sim).map((entry) => (entry.body as { prompt: string }).prompt);

describe('caps per run', () => {
	it('Max Generations per Run 3 of 10 (Continue On Fail): items 0-2 submitted, 3-9 error items naming the cap', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, { parameters: parameters({ maxGenerationsPerRun: 3 }), items: ten, continueOnFail: true });
		expect(submittedPrompts(sim).sort()).toEqual(['shot 0', 'shot 1', 'shot 2']);
		expect(result.items.slice(0, 3).every((item) => typeof item.json.generationId === 'string')).toBe(true);
		for (const item of result.items.slice(3)) expect(item.json.error).toMatch(/^Max Generations per Run \(3\) reached: item 3 and the items after it were not submitted$/);
		expect(catalogueReads(sim)).toBe(1);
	});

	it('Max Generations per Run 3 with Retry On Fail (3 tries): 3 POSTs in all, the node fails naming the cap', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, { parameters: parameters({ maxGenerationsPerRun: 3 }), items: ten, retryOnFail: { maxTries: 3, waitBetweenTries: 0 } });
		expect(result.error?.message).toBe('Max Generations per Run (3) reached: item 3 and the items after it were not submitted');
		expect(result.error?.description).toContain('3 in earlier Retry On Fail tries');
		expect(submits(sim)).toHaveLength(3);
		expect(catalogueReads(sim)).toBe(1);
	});

	it.each(['variants', 'fixed'] as const)('Max Cost per Run $0.35 with a %s price: 4 items submitted, the 5th names the figures', async (pricingKind) => {
		const sim = simulator();
		sim.options.pricingKind = pricingKind;
		const result = await runAgainst(sim, { parameters: parameters({ maxCostPerRun: 0.35 }), items: ten, continueOnFail: true, retryOnFail: { maxTries: 2, waitBetweenTries: 0 } });
		expect(submits(sim)).toHaveLength(4);
		expect(result.items[0].json.cost).toMatchObject({ estimatedUsd: ITEM_USD, usd: ITEM_USD, final: true });
		expect(result.items[4].json.error).toBe('Max Cost per Run ($0.3500) would be exceeded: item 4 and the items after it were not submitted');
		expect(result.items[4].json.description).toContain('$0.3402 by estimate (4 generation(s)); item 4 is estimated at');
	});

	it.each([
		['variable', /price is variable/],
		['none', /no price for alibaba/],
	] as const)('Max Cost per Run with a %s price: nothing submitted, the error says why', async (pricingKind, why) => {
		const sim = simulator();
		sim.options.pricingKind = pricingKind;
		const result = await runAgainst(sim, { parameters: parameters({ maxCostPerRun: 5 }), items: ten });
		expect(submits(sim)).toHaveLength(0);
		expect(result.error?.message).toBe('Max Cost per Run ($5.00) is set, but the cost of item 0 cannot be estimated, so nothing was submitted');
		expect(result.error?.description).toMatch(why);
	});

	it('catalogue down: with a cost cap nothing is submitted; without, every item runs with "no estimate" said', async () => {
		const sim = simulator();
		sim.addFault({ route: 'catalogue', kind: 'status', status: 503 });
		const capped = await runAgainst(sim, { parameters: parameters({ maxCostPerRun: 5 }), items: ten.slice(0, 2) });
		expect(submits(sim)).toHaveLength(0);
		expect(capped.error?.description).toContain("AI/ML API's price list (GET /v1/models) could not be read: HTTP 503");
		const uncapped = await runAgainst(sim, { parameters: parameters({}), items: ten.slice(0, 2) });
		expect(submits(sim)).toHaveLength(2);
		expect(uncapped.items[0].json.cost).toMatchObject({ estimatedUsd: null, estimateNote: expect.stringContaining('could not be read'), final: true });
	});
});

describe('Estimate Only', () => {
	it('prices every item and the run, with 0 POSTs', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, { parameters: parameters({ estimateOnly: true }), items: ten });
		expect(result.error).toBeUndefined();
		expect(submits(sim)).toHaveLength(0);
		expect(sim.counters().posts).toBe(0);
		expect(result.items).toHaveLength(10);
		expect(result.items[0].json).toMatchObject({ estimateOnly: true, submitted: false, estimatedUsd: ITEM_USD, run: { items: 10, estimatedUsd: 0.8505 } });
	});

	it('says there is no estimate for a variable price, and no total', async () => {
		const sim = simulator();
		sim.options.pricingKind = 'variable';
		const result = await runAgainst(sim, { parameters: generateParameters({ operation: 'submit', runOptions: { estimateOnly: true } }) });
		expect(sim.counters().posts).toBe(0);
		expect(result.items[0].json).toMatchObject({ estimatedUsd: null, estimateNote: expect.stringContaining('variable'), run: { estimatedUsd: null } });
	});
});
