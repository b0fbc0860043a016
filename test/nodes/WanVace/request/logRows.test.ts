import { generationsFromRows, parseLogPage } from '../../../../nodes/WanVace/request/logRows';

const row = (inference_id: string, client_request_id: string | null, extra = {}) => ({
	created: '2026-07-02T03:04:05.000Z',
	status: 'succeeded',
	model: 'alibaba/wan2.2-vace-fun-a14b-inpainting',
	cost: { usd: 0.08505, credits: 170100 },
	request_id: 'req-1',
	inference_id,
	client_request_id,
	...extra,
});

describe('usage log rows', () => {
	it('parses a page and its pagination; refuses anything else', () => {
		expect(parseLogPage({ data: [row('a', null)], pagination: { limit: 100, offset: 0, total: 1, has_more: false } })).toMatchObject({ hasMore: false, total: 1 });
		expect(parseLogPage({ message: 'nope' })).toBeUndefined();
	});

	it('keeps one item per generation, with what its client request id names', () => {
		const rows = [row('g1', 'n8n:wf-1:77:0a1b2c3d:4:2'), row('g1', 'n8n:wf-1:77:0a1b2c3d:4:2'), row('g2', 'customer-42'), row('g3', null)];
		const all = generationsFromRows(rows, {});
		expect(all.map((generation) => generation.generationId)).toEqual(['g1', 'g2', 'g3']);
		expect(all[0]).toMatchObject({ workflowId: 'wf-1', executionId: '77', nodeHash: '0a1b2c3d', itemIndex: 4, try: 2, cost: { usd: 0.08505, credits: 170100 } });
		expect(all[1]).toMatchObject({ clientRequestId: 'customer-42', executionId: null });
	});

	it('matches a workflow or an execution only on ids this node made; rows without one never match', () => {
		const rows = [row('g1', 'n8n:wf-1:77:0a1b2c3d:0:1'), row('g2', 'n8n:wf-2:78:0a1b2c3d:0:1'), row('g3', null), row('g4', 'customer-77')];
		expect(generationsFromRows(rows, { executionId: '77' }).map((g) => g.generationId)).toEqual(['g1']);
		expect(generationsFromRows(rows, { workflowId: 'wf-2' }).map((g) => g.generationId)).toEqual(['g2']);
		expect(generationsFromRows(rows, { executionId: 'nope' })).toEqual([]);
	});
});
