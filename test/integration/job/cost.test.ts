import { generateParameters, runAgainst, submits, useSimulator } from '../../harness/fixtures';

/** Every generation traceable (client request id, inference id) and what it cost, per item. */
const simulator = useSimulator({ generationMs: 300 });

const items = [{ json: { frames: 81 } }, { json: { frames: 33 } }];
const parameters = (operation: string) => generateParameters({ operation, options: { numFrames: '={{ $json.frames }}' } });

describe('tracing and cost in the output', () => {
	it('Generate: the final cost of the completed answer, the inference id and the client request id the API kept', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, { parameters: parameters('generate'), items });
		expect(result.error).toBeUndefined();
		for (const [index, item] of result.items.entries()) {
			const generation = sim.generations.get(item.json.generationId as string)!;
			const credits = items[index].json.frames * 2100;
			expect(generation.clientRequestId).toMatch(new RegExp(`^n8n:wf-test:test-\\d+:[0-9a-f]{8}:${index}:1$`));
			expect(item.json).toMatchObject({
				clientRequestId: generation.clientRequestId,
				inferenceId: generation.id,
				creditsUsed: credits,
				cost: { credits, usd: credits / 2_000_000, final: true },
			});
		}
	});

	it('Submit: the submit answer\'s figures, marked not final; Get then fills the final cost', async () => {
		const sim = simulator();
		const submitted = await runAgainst(sim, { parameters: parameters('submit'), items });
		expect(submitted.items.map((item) => item.json.cost)).toEqual([
			{ credits: 170100, usd: 0.08505, final: false, estimatedUsd: 0.08505 },
			{ credits: 69300, usd: 0.03465, final: false, estimatedUsd: 0.03465 },
		]);
		const got = await runAgainst(sim, {
			parameters: { operation: 'get', generationId: '={{ $json.generationId }}', waitForCompletion: true, runOptions: { pollIntervalSeconds: 0.5 } },
			items: submitted.items.map((item) => ({ json: item.json })),
		});
		expect(got.items.map((item) => [item.json.inferenceId, item.json.creditsUsed, (item.json.cost as { final: boolean }).final])).toEqual([
			[submitted.items[0].json.generationId, 170100, true],
			[submitted.items[1].json.generationId, 69300, true],
		]);
		expect(submits(sim)).toHaveLength(2);
	});

	it('Retry On Fail: a new try\'s submission carries its try number', async () => {
		const sim = simulator();
		sim.addFault({ route: 'submit', kind: 'status', status: 400, times: 1, match: ({ body }) => body?.num_frames === 33 });
		const result = await runAgainst(sim, { parameters: parameters('generate'), items, retryOnFail: { maxTries: 2, waitBetweenTries: 0 } });
		expect(result.error).toBeUndefined();
		const ids = submits(sim).map((entry) => entry.headers['x-client-request-id']);
		expect(ids).toHaveLength(3);
		expect(ids.filter((id) => String(id).endsWith(':1:2'))).toHaveLength(1);
		expect(result.items[1].json.clientRequestId).toMatch(/:1:2$/);
	});
});
