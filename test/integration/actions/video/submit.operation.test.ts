import { generateParameters, polls, runAgainst, submits, useSimulator } from '../../../harness/fixtures';

const simulator = useSimulator({ generationMs: 300 });

describe('Submit', () => {
	it('returns the generation IDs at once, without polling', async () => {
		const sim = simulator();
		const items = [{ json: { prompt: 'first' } }, { json: { prompt: 'second' } }];
		const result = await runAgainst(sim, {
			items,
			parameters: generateParameters({ operation: 'submit', prompt: '={{ $json.prompt }}' }),
		});
		expect(result.error).toBeUndefined();
		expect(submits(sim)).toHaveLength(2);
		expect(polls(sim)).toHaveLength(0);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		for (const [index, item] of result.items.entries()) {
			expect(item.json.status).toBe('queued');
			expect(item.json.videoUrl).toBeNull();
			const generation = sim.generations.get(item.json.generationId as string);
			expect(generation?.body.prompt).toBe(items[index].json.prompt);
			expect((item.json.settings as Record<string, unknown>).prompt).toBe(items[index].json.prompt);
		}
	});

	it('does not poll even when the API answers 429 to some submissions', async () => {
		const sim = simulator();
		sim.addFault({ route: 'submit', kind: 'status', status: 429, retryAfter: 0, times: 1 });
		const result = await runAgainst(sim, { parameters: generateParameters({ operation: 'submit' }) });
		expect(result.error).toBeUndefined();
		expect(sim.counters()).toMatchObject({ posts: 2, acceptedPosts: 1, gets: 0 });
	});
});
