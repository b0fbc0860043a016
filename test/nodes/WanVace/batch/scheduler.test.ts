import type { IHttpRequestOptions } from 'n8n-workflow';

import { GenerationBatch } from '../../../../nodes/WanVace/batch/scheduler';
import { fakeContext, httpError } from '../fakeContext';

/**
 * The scheduler's decisions, on jest's fake clock: an in-memory API answers at once, each
 * generation completes on its third status check. No server, no real time.
 */
function fakeApi(options: { refuseFirst?: (prompt: string) => boolean } = {}) {
	let inFlight = 0;
	const seen = { maxInFlight: 0, posts: [] as Array<{ prompt: string; at: number; status: number }>, polls: [] as Array<{ id: string; at: number }> };
	const checks = new Map<string, number>();
	const refused = new Set<string>();
	const api = async (request: IHttpRequestOptions) => {
		inFlight++;
		seen.maxInFlight = Math.max(seen.maxInFlight, inFlight);
		try {
			await Promise.resolve();
			if (request.method === 'POST') {
				const prompt = String((request.body as { prompt: string }).prompt);
				if (options.refuseFirst?.(prompt) && !refused.has(prompt)) {
					refused.add(prompt);
					seen.posts.push({ prompt, at: Date.now(), status: 429 });
					throw httpError(429, { message: 'slow down' }, { 'retry-after': '10' });
				}
				seen.posts.push({ prompt, at: Date.now(), status: 201 });
				return { id: `gen-${prompt}`, status: 'queued' };
			}
			const id = String((request.qs as { generation_id: string }).generation_id);
			seen.polls.push({ id, at: Date.now() });
			const count = (checks.get(id) ?? 0) + 1;
			checks.set(id, count);
			return count >= 3 ? { id, status: 'completed', video: { url: `https://cdn.test/${id}.mp4` } } : { id, status: 'generating' };
		} finally {
			inFlight--;
		}
	};
	return { api, seen };
}

async function runBatch(count: number, api: ReturnType<typeof fakeApi>['api'], runOptions: Record<string, unknown> = {}) {
	const { ctx } = fakeContext({
		items: Array.from({ length: count }, () => ({ json: {} })),
		parameters: { runOptions: { pollIntervalSeconds: 5, checkInputs: false, ...runOptions } },
		api,
	});
	const batch = await GenerationBatch.start(ctx);
	await batch.prepare(async (itemIndex) => ({ request: { body: { prompt: `p${itemIndex}` }, settings: {}, media: [], binaries: [] } }));
	const running = batch.run('untilFinished');
	// Drive the fake clock until the batch has finished.
	let finished = false;
	void running.finally(() => (finished = true));
	for (let step = 0; !finished && step < 10_000; step++) await jest.advanceTimersByTimeAsync(250);
	await running;
	return batch;
}

beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
afterEach(() => jest.useRealTimers());

describe('GenerationBatch', () => {
	it('submits every item at once, then polls each once per interval until it completes', async () => {
		const { api, seen } = fakeApi();
		const batch = await runBatch(4, api, { maxConcurrentRequests: 10 });
		expect(batch.jobs.map((job) => job.state.phase)).toEqual(['done', 'done', 'done', 'done']);
		expect(seen.posts.map((post) => post.at)).toEqual([1_000_000, 1_000_000, 1_000_000, 1_000_000]);
		const firstPolls = seen.polls.filter((poll) => poll.id === 'gen-p0').map((poll) => poll.at - 1_000_000);
		expect(firstPolls).toEqual([5000, 10000, 15000]);
		expect(batch.outputItems().map((item) => item.json.videoUrl)).toEqual([0, 1, 2, 3].map((index) => `https://cdn.test/gen-p${index}.mp4`));
	});

	it('never has more than Max Concurrent Requests in flight', async () => {
		const { api, seen } = fakeApi();
		await runBatch(12, api, { maxConcurrentRequests: 3 });
		expect(seen.posts).toHaveLength(12);
		expect(seen.maxInFlight).toBe(3);
	});

	it('a rate-limited item waits out its Retry-After without holding up the others', async () => {
		const { api, seen } = fakeApi({ refuseFirst: (prompt) => prompt === 'p0' });
		const batch = await runBatch(3, api, { maxConcurrentRequests: 3 });
		expect(batch.jobs.every((job) => job.state.phase === 'done')).toBe(true);
		const retried = seen.posts.filter((post) => post.prompt === 'p0').map((post) => [post.status, post.at - 1_000_000]);
		expect(retried).toEqual([
			[429, 0],
			[201, 10_000],
		]);
		// The other items were polled while item 0 waited.
		expect(seen.polls.filter((poll) => poll.at < 1_010_000).map((poll) => poll.id)).toEqual(expect.arrayContaining(['gen-p1', 'gen-p2']));
	});

	it('a generation that outlives Max Wait fails with its ID, and the others still finish', async () => {
		const { api } = fakeApi();
		const slow = async (request: IHttpRequestOptions) =>
			request.method === 'GET' && (request.qs as { generation_id: string }).generation_id === 'gen-p1'
				? { id: 'gen-p1', status: 'generating' }
				: await api(request);
		const { ctx } = fakeContext({
			items: [{ json: {} }, { json: {} }],
			parameters: { runOptions: { pollIntervalSeconds: 5, maxWaitMinutes: 1, checkInputs: false } },
			api: slow,
			continueOnFail: true,
		});
		const batch = await GenerationBatch.start(ctx);
		await batch.prepare(async (itemIndex) => ({ request: { body: { prompt: `p${itemIndex}` }, settings: {}, media: [], binaries: [] } }));
		const running = batch.run('untilFinished');
		await jest.advanceTimersByTimeAsync(61_000);
		await running;
		const [fast, late] = batch.outputItems().map((item) => item.json);
		expect(fast.status).toBe('completed');
		expect(late).toMatchObject({ generationId: 'gen-p1', status: 'generating', error: 'Generation gen-p1 did not finish within 1 min (last status: generating)' });
	});
});
