import { startSimulator, type Simulator } from './index';
import { GENERATIONS, client, minimalBody, poll } from './test-helpers';

/** Tracing and cost headers, and the catalogue, as AI/ML API documents them. */
describe('simulator: client request id, inference id, cost, catalogue', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startSimulator({ generationMs: 50 });
	});
	beforeEach(() => sim.reset());
	afterAll(async () => await sim.close());

	it('keeps a valid X-Client-Request-Id and echoes it; drops an invalid one silently (the request still runs)', async () => {
		const valid = await client(sim).post(GENERATIONS, minimalBody(), { headers: { 'X-Client-Request-Id': 'n8n:wf:1:0a1b2c3d:0:1' } });
		expect(valid.status).toBe(201);
		expect(valid.headers['x-inference-id']).toBe(valid.data.id);
		expect(valid.headers['x-client-request-id']).toBe('n8n:wf:1:0a1b2c3d:0:1');
		expect(sim.generations.get(valid.data.id)?.clientRequestId).toBe('n8n:wf:1:0a1b2c3d:0:1');
		for (const bad of ['has space', 'x'.repeat(129), 'semi;colon']) {
			const response = await client(sim).post(GENERATIONS, minimalBody(), { headers: { 'X-Client-Request-Id': bad } });
			expect(response.status).toBe(201);
			expect(response.headers['x-client-request-id']).toBeUndefined();
			expect(sim.generations.get(response.data.id)?.clientRequestId).toBeNull();
		}
	});

	it('charges nothing before completion; the completed answer states the cost in headers and meta.usage', async () => {
		const { data } = await client(sim).post(GENERATIONS, minimalBody());
		const first = await poll(sim, data.id);
		expect(first.headers['x-aimlapi-credits-used']).toBe('0');
		let done = first;
		while (done.data.status !== 'completed') done = await poll(sim, data.id);
		expect(done.headers).toMatchObject({ 'x-inference-id': data.id, 'x-aimlapi-credits-used': '170100', 'x-aimlapi-usd-spent': '0.08505' });
		expect(done.data.meta.usage).toEqual({ credits_used: 170100, usd_spent: 0.08505 });
	});

	it('quotes the price in the kind selected, with an ETag (If-None-Match: 304)', async () => {
		const url = '/v1/models?id=alibaba/wan2.2-vace-fun-a14b-inpainting&include=pricing';
		const first = await client(sim, false).get(url);
		expect(first.status).toBe(200);
		expect(first.data.data[0].pricing).toMatchObject({ kind: 'variants', dimensions: ['resolution'] });
		expect((await client(sim, false).get(url, { headers: { 'If-None-Match': first.headers.etag } })).status).toBe(304);
		sim.options.pricingKind = 'variable';
		const changed = await client(sim, false).get(url, { headers: { 'If-None-Match': first.headers.etag } });
		expect(changed.status).toBe(200);
		expect(changed.data.data[0].pricing).toEqual({ kind: 'variable', currency: 'USD' });
		expect((await client(sim, false).get('/v1/models?id=other')).data.data).toEqual([]);
	});

	it('usage log: validation errors, newest first, pagination, a row\'s client request id, 429 over 200 requests in 60 s', async () => {
		const logs = (query: string) => client(sim).get(`/v2/logs?${query}`);
		for (const bad of ['period=24h&start=2026-01-01&end=2026-01-02', 'period=1w', 'start=2026-01-01', 'start=2026-01-01&end=2026-06-01', 'status=succeeded,failed', 'limit=101', 'offset=-1']) {
			expect([bad, (await logs(bad)).status]).toEqual([bad, 400]);
		}
		expect((await client(sim, false).get('/v2/logs')).status).toBe(401);
		const older = sim.addGeneration({ clientRequestId: 'n8n:wf:1:0a1b2c3d:0:1', createdAt: Date.now() - 2000 });
		const newer = sim.addGeneration({ clientRequestId: null });
		const page = await logs('period=1h&limit=1');
		expect(page.data.pagination).toEqual({ limit: 1, offset: 0, total: 2, has_more: true });
		expect(page.data.data[0]).toMatchObject({ inference_id: newer.id, client_request_id: null, origin: 'api', status: 'succeeded' });
		const next = await logs('period=1h&limit=1&offset=1');
		expect(next.data.data[0]).toMatchObject({ inference_id: older.id, client_request_id: 'n8n:wf:1:0a1b2c3d:0:1' });
		expect(next.data.pagination.has_more).toBe(false);
		const statuses: number[] = [];
		for (let index = 0; index < 200; index++) statuses.push((await logs('period=1h')).status);
		expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
		// 9 requests counted before the loop (the 401 is refused before counting): the 201st in 60 s is the first 429.
		expect(statuses.indexOf(429)).toBe(200 - 9);
	});
});
