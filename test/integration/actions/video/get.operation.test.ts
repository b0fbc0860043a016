import { SAMPLE_VIDEO, generateParameters, polls, runAgainst, submits, useSimulator } from '../../../harness/fixtures';
import type { Simulator } from '../../../simulator';

const simulator = useSimulator({ generationMs: 300 });

async function submitOne(sim: Simulator): Promise<string> {
	const result = await runAgainst(sim, { parameters: generateParameters({ operation: 'submit' }) });
	return result.items[0].json.generationId as string;
}

const getParameters = (generationId: string, extra: Record<string, unknown> = {}) => ({
	operation: 'get',
	generationId,
	runOptions: { pollIntervalSeconds: 0.5 },
	...extra,
});

describe('Get', () => {
	it('returns the current status of a running generation with one request', async () => {
		const sim = simulator();
		sim.options.generationMs = 10_000;
		const id = await submitOne(sim);
		const result = await runAgainst(sim, { parameters: getParameters(id) });
		expect(result.error).toBeUndefined();
		expect(polls(sim)).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({ generationId: id, videoUrl: null });
		expect(['queued', 'generating']).toContain(result.items[0].json.status);
	});

	it('sends the ID URL-encoded in the query, exactly as given', async () => {
		const sim = simulator();
		const id = await submitOne(sim);
		await runAgainst(sim, { parameters: getParameters(id) });
		const [poll] = polls(sim);
		expect(poll.query.generation_id).toBe(id);
		expect(poll.path).toBe('/v2/video/generations');
		expect(id).toContain(':');
		expect(id).toContain('/');
	});

	it('waits for completion and downloads the video when asked', async () => {
		const sim = simulator();
		sim.options.generationMs = 1200;
		const id = await submitOne(sim);
		const result = await runAgainst(sim, {
			parameters: getParameters(id, { waitForCompletion: true, runOptions: { pollIntervalSeconds: 0.5, downloadVideo: true } }),
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ generationId: id, status: 'completed', fileSize: SAMPLE_VIDEO.length });
		expect(result.items[0].binary?.data?.bytes).toBe(SAMPLE_VIDEO.length);
		expect(submits(sim)).toHaveLength(1);
	});

	it('looks up many IDs together, each paired with its item', async () => {
		const sim = simulator();
		const ids = [await submitOne(sim), await submitOne(sim), await submitOne(sim)];
		const result = await runAgainst(sim, {
			items: ids.map((generationId) => ({ json: { generationId } })),
			parameters: getParameters('={{ $json.generationId }}', { waitForCompletion: true }),
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.generationId)).toEqual(ids);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it('reports an unknown ID as a 404 from the API', async () => {
		const sim = simulator();
		const id = '00000000-0000-4000-8000-000000000000:alibaba/wan2.2-vace-fun-a14b-inpainting';
		const result = await runAgainst(sim, { parameters: getParameters(id) });
		expect(result.error?.httpCode).toBe('404');
		expect(result.error?.message).toContain(`checking generation ${id}`);
	});

	it('reports a failed generation as an error, with its ID', async () => {
		const sim = simulator();
		sim.addFault({ route: 'poll', kind: 'jobError' });
		const id = await submitOne(sim);
		const result = await runAgainst(sim, { parameters: getParameters(id, { waitForCompletion: true }) });
		expect(result.error?.message).toContain(id);
	});
});
