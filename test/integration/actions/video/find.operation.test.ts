import { generateParameters, runAgainst, submits, useSimulator } from '../../../harness/fixtures';

/** Find Generations: this model's generations from the usage log (GET /v2/logs), ready for Get. */
const simulator = useSimulator({ generationMs: 300 });

const findParameters = (overrides: Record<string, string | number> = {}) => ({ operation: 'find', madeBy: 'execution', window: 'lastHours', lastHours: 1, ...overrides });
const logRequests = (sim: ReturnType<typeof simulator>) => sim.log.filter((entry) => entry.route === 'logs');
const executionOf = (clientRequestId: unknown) => String(clientRequestId).split(':')[2];

function seed(sim: ReturnType<typeof simulator>, count: number, clientRequestId: (index: number) => string | null): void {
	for (let index = 0; index < count; index++) {
		sim.addGeneration({ body: { prompt: `p${index}` }, createdAt: Date.now() - index, clientRequestId: clientRequestId(index) });
	}
}

describe('Find Generations', () => {
	it("finds one execution's generations by their client request id, and Get fetches them with no new POST", async () => {
		const sim = simulator();
		const items = [0, 1, 2].map((index) => ({ json: { prompt: `shot ${index}` } }));
		const first = await runAgainst(sim, { parameters: generateParameters({ operation: 'submit', prompt: '={{ $json.prompt }}' }), items });
		await runAgainst(sim, { parameters: generateParameters({ operation: 'submit' }) });
		const executionId = executionOf(first.items[0].json.clientRequestId);
		const found = await runAgainst(sim, { parameters: findParameters({ executionId }) });
		expect(found.error).toBeUndefined();
		expect(found.items.map((item) => item.json.generationId).sort()).toEqual(first.items.map((item) => item.json.generationId).sort());
		expect(found.items.map((item) => item.json.itemIndex).sort()).toEqual([0, 1, 2]);
		expect(found.items[0].json).toMatchObject({ executionId, workflowId: 'wf-test', status: 'succeeded', try: 1 });
		const posts = submits(sim).length;
		const got = await runAgainst(sim, {
			parameters: { operation: 'get', generationId: '={{ $json.generationId }}', waitForCompletion: true, runOptions: { pollIntervalSeconds: 0.5 } },
			items: found.items.map((item) => ({ json: item.json })),
		});
		expect(got.items.map((item) => item.json.status)).toEqual(['completed', 'completed', 'completed']);
		expect(submits(sim)).toHaveLength(posts);
	});

	it('pages through with limit 100 until has_more is false; rows without a client request id never match', async () => {
		const sim = simulator();
		seed(sim, 230, (index) => `n8n:wf-x:exec-big:0a1b2c3d:${index}:1`);
		seed(sim, 20, () => null);
		const found = await runAgainst(sim, { parameters: findParameters({ executionId: 'exec-big' }) });
		expect(found.items).toHaveLength(230);
		expect(logRequests(sim).map((entry) => [entry.query.limit, entry.query.offset])).toEqual([['100', '0'], ['100', '100'], ['100', '200']]);
		expect(logRequests(sim)[0].query).toMatchObject({ period: '1h', model: 'alibaba/wan2.2-vace-fun-a14b-inpainting' });
		const any = await runAgainst(sim, { parameters: findParameters({ madeBy: 'any' }) });
		expect(any.items).toHaveLength(250);
		const byWorkflow = await runAgainst(sim, { parameters: findParameters({ madeBy: 'workflow', workflowId: 'wf-x' }) });
		expect(byWorkflow.items).toHaveLength(230);
	});

	it('waits out 429 (Retry-After) and goes on', async () => {
		const sim = simulator();
		seed(sim, 3, (index) => `n8n:wf-x:exec-429:0a1b2c3d:${index}:1`);
		sim.addFault({ route: 'logs', kind: 'status', status: 429, retryAfter: 0, times: 2 });
		const found = await runAgainst(sim, { parameters: findParameters({ executionId: 'exec-429' }) });
		expect(found.error).toBeUndefined();
		expect(found.items).toHaveLength(3);
		expect(logRequests(sim).map((entry) => entry.status)).toEqual([429, 429, 200]);
	});

	it('finds nothing before the usage log shows the requests (the analytics delay), and refuses a window over 92 days', async () => {
		const sim = simulator();
		sim.options.logsDelayMs = 60_000;
		seed(sim, 2, (index) => `n8n:wf-x:exec-late:0a1b2c3d:${index}:1`);
		expect((await runAgainst(sim, { parameters: findParameters({ executionId: 'exec-late' }) })).items).toHaveLength(0);
		const tooLong = await runAgainst(sim, { parameters: findParameters({ window: 'range', start: '2026-01-01T00:00:00Z', end: '2026-06-01T00:00:00Z', executionId: 'x' }) });
		expect(tooLong.error?.message).toBe('Start and End must be dates, End not before Start, at most 92 days apart');
		expect(logRequests(sim)).toHaveLength(1);
	});
});
