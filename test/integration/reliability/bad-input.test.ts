import { runNode } from '../../harness/engine';
import { generateParameters, runAgainst, useSimulator } from '../../harness/fixtures';
import { BAD_INPUTS } from './scenarios';

/**
 * Bad input is refused with a message naming the field and the fix, before any request:
 * the simulator must see nothing at all.
 */
const simulator = useSimulator();


describe('bad input is refused before any request', () => {
	it('a literally empty required field stops n8n itself before the node runs', async () => {
		const sim = simulator();
		await expect(runAgainst(sim, { parameters: generateParameters({ prompt: '' }) })).rejects.toThrow('Parameter "Prompt" is required');
		expect(sim.log).toEqual([]);
	});

	it('has at least 40 cases', () => {
		expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(40);
	});

	it.each(BAD_INPUTS.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
		const sim = simulator();
		const result = testCase.baseUrl
			? await runNode({ parameters: testCase.parameters, items: testCase.items, credentials: { apiKey: sim.apiKey, baseUrl: testCase.baseUrl } })
			: await runAgainst(sim, { parameters: testCase.parameters, items: testCase.items });
		expect(result.error).toBeDefined();
		expect(result.error?.name).toBe('NodeOperationError');
		for (const part of testCase.message) expect(result.error?.message).toContain(part);
		if (testCase.fix) expect(result.error?.description).toContain(testCase.fix);
		expect(result.error?.context?.itemIndex).toBe(0);
		expect(sim.log).toEqual([]);
	});
});
