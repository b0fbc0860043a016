import { decideCaps } from '../../../../nodes/WanVace/batch/budget';
import type { GenerationJob } from '../../../../nodes/WanVace/job/state';
import { fakeContext } from '../fakeContext';

const node = fakeContext().ctx.getNode();
const jobs = (count: number, usd: number | null = 0.25): GenerationJob[] =>
	Array.from({ length: count }, (_, itemIndex) => ({ itemIndex, state: { phase: 'toSubmit', attempts: 0, retryAt: 0 }, trace: { estimatedUsd: usd, ...(usd === null ? { estimateNote: 'No estimate: variable.' } : {}) } }));
const refused = (refusals: Map<GenerationJob, unknown>) => [...refusals.keys()].map((job) => job.itemIndex);

describe('caps per run', () => {
	it('admits nothing more than Max Generations per Run, in item order, counting earlier tries', () => {
		const ten = jobs(10);
		const refusals = decideCaps(node, ten, { maxGenerationsPerRun: 3, maxCostPerRun: 0 }, { generations: 0, usd: 0 });
		expect(refused(refusals)).toEqual([3, 4, 5, 6, 7, 8, 9]);
		expect(refusals.get(ten[3])?.message).toBe('Max Generations per Run (3) reached: item 3 and the items after it were not submitted');
		expect(refused(decideCaps(node, jobs(10), { maxGenerationsPerRun: 3, maxCostPerRun: 0 }, { generations: 2, usd: 0 }))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
	});

	it('admits the items whose estimates fit Max Cost per Run, naming the figures', () => {
		const ten = jobs(10);
		const refusals = decideCaps(node, ten, { maxGenerationsPerRun: 0, maxCostPerRun: 1.1 }, { generations: 0, usd: 0 });
		expect(refused(refusals)).toEqual([4, 5, 6, 7, 8, 9]);
		expect(refusals.get(ten[4])?.message).toBe('Max Cost per Run ($1.10) would be exceeded: item 4 and the items after it were not submitted');
		expect(refusals.get(ten[4])?.description).toContain('$1.00 by estimate (4 generation(s)); item 4 is estimated at $0.2500, $1.25 in all');
		expect(refused(decideCaps(node, jobs(10), { maxGenerationsPerRun: 0, maxCostPerRun: 1 }, { generations: 0, usd: 0 }))).toEqual([4, 5, 6, 7, 8, 9]);
	});

	it('with a cost cap and no estimate, refuses every item and says why', () => {
		const refusals = decideCaps(node, jobs(3, null), { maxGenerationsPerRun: 0, maxCostPerRun: 5 }, { generations: 0, usd: 0 });
		expect(refused(refusals)).toEqual([0, 1, 2]);
		expect(refusals.get([...refusals.keys()][0])?.description).toContain('No estimate: variable.');
	});

	it('without caps, or with unpriced items and only a generation cap, refuses nothing', () => {
		expect(decideCaps(node, jobs(5, null), { maxGenerationsPerRun: 0, maxCostPerRun: 0 }, { generations: 0, usd: 0 }).size).toBe(0);
		expect(refused(decideCaps(node, jobs(5, null), { maxGenerationsPerRun: 4, maxCostPerRun: 0 }, { generations: 0, usd: 0 }))).toEqual([4]);
	});
});
