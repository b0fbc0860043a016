import { delay } from '../support/node';
import { seededRandom } from './faults';
import {
	pollResponseErrors,
	sampleVideoBytes,
	startSimulator,
	type FaultRule,
	type Simulator,
} from './index';
import {
	authHeaders,
	client,
	GENERATIONS,
	minimalBody,
	poll,
	pollUntilDone,
	rawRequest,
	submit,
	submitId,
} from './test-helpers';

describe('simulator: fault injection', () => {
	let sim: Simulator;

	beforeAll(async () => {
		sim = await startSimulator({ generationMs: 40 });
	});
	afterAll(async () => {
		await sim.close();
	});
	beforeEach(() => {
		sim.reset();
		sim.options.generationMs = 40;
	});

	const submitUrl = (): string => `${sim.baseUrl}${GENERATIONS}`;
	const rawSubmit = async (body: Record<string, unknown> = minimalBody()) =>
		await rawRequest(submitUrl(), { method: 'POST', headers: authHeaders(sim), body: JSON.stringify(body) });

	describe("'status'", () => {
		it.each([
			[400, 'Bad request', false],
			[401, 'Unauthorized: invalid or missing API key', false],
			[403, 'Forbidden: insufficient credits. Top up your balance to continue', false],
			[404, 'Not found', false],
			[422, 'Unprocessable entity', false],
			[429, 'Too many requests: rate limit exceeded, please retry later', false],
			[500, 'Internal server error', true],
			[502, 'Bad gateway', true],
			[503, 'Service unavailable: the model is temporarily overloaded', false],
			[504, 'Generation timeout', true],
		])('answers %i "%s" on submit (creates the job: %s)', async (status, message, accepted) => {
			sim.addFault({ route: 'submit', kind: 'status', status, times: 1 });
			const response = await submit(sim);
			expect(response.status).toBe(status);
			expect(response.data).toEqual({
				message,
				path: GENERATIONS,
				requestId: expect.any(String),
				statusCode: status,
				timestamp: expect.any(String),
			});
			expect(sim.generations.size).toBe(accepted ? 1 : 0);
			expect(sim.counters()).toMatchObject({ posts: 1, acceptedPosts: accepted ? 1 : 0 });
			expect(sim.log[0]).toMatchObject({ status, fault: `status:${status}` });
			expect(sim.log[0].generationId).toBe(accepted ? [...sim.generations.keys()][0] : undefined);
			expect((await submit(sim)).status).toBe(201);
		});

		it('sends Retry-After (seconds or an HTTP date) and honours accepted and body overrides', async () => {
			const date = new Date(Date.now() + 60_000).toUTCString();
			sim.addFault({ route: 'submit', kind: 'status', status: 429, retryAfter: 2, times: 1 });
			sim.addFault({
				route: 'submit',
				kind: 'status',
				status: 503,
				retryAfter: date,
				times: 1,
				accepted: true,
			});
			sim.addFault({
				route: 'submit',
				kind: 'status',
				status: 500,
				body: 'plain failure',
				times: 1,
				accepted: false,
			});
			sim.addFault({ route: 'submit', kind: 'status', status: 502, body: { error: 'custom' }, times: 1 });

			const limited = await submit(sim);
			expect(limited.status).toBe(429);
			expect(limited.headers['retry-after']).toBe('2');
			const unavailable = await submit(sim);
			expect(unavailable.headers['retry-after']).toBe(date);
			expect(sim.generations.size).toBe(1);
			const plain = await submit(sim);
			expect(plain.status).toBe(500);
			expect(plain.data).toBe('plain failure');
			expect(sim.generations.size).toBe(1);
			const custom = await submit(sim);
			expect(custom.data).toEqual({ error: 'custom' });
		});

		it('applies to polls, billing and downloads (as plain text on the file host)', async () => {
			sim.options.generationMs = 0;
			const id = await submitId(sim);
			const done = await poll(sim, id);
			sim.addFault({ route: 'poll', kind: 'status', status: 502, times: 1 });
			sim.addFault({ route: 'billing', kind: 'status', status: 401, times: 1 });
			sim.addFault({ route: 'download', kind: 'status', status: 404, times: 1 });
			expect((await poll(sim, id)).status).toBe(502);
			expect((await poll(sim, id)).status).toBe(200);
			const billing = await client(sim).get('/v1/billing/balance');
			expect(billing.status).toBe(401);
			expect(billing.data.path).toBe('/v1/billing/balance');
			const missing = await client(sim, false).get(done.data.video.url);
			expect(missing.status).toBe(404);
			expect(missing.headers['content-type']).toMatch(/^text\/plain/);
			expect(missing.data).toBe('Not Found');
			expect((await client(sim, false).get(done.data.video.url)).status).toBe(200);
		});
	});

	describe("'reset' and 'hang'", () => {
		it('reset drops the connection without an answer, after creating the job (paid but lost)', async () => {
			sim.addFault({ route: 'submit', kind: 'reset', times: 1 });
			const result = await rawSubmit();
			expect(result.status).toBeUndefined();
			expect(result.error?.code).toBe('ECONNRESET');
			expect(sim.generations.size).toBe(1);
			expect(sim.log[0]).toMatchObject({
				status: null,
				fault: 'reset',
				generationId: [...sim.generations.keys()][0],
			});

			sim.addFault({ route: 'submit', kind: 'reset', times: 1, accepted: false });
			expect((await rawSubmit()).error?.code).toBe('ECONNRESET');
			expect(sim.generations.size).toBe(1);
		});

		it('hang with hangMs then resets, or answers late with afterHang: respond', async () => {
			sim.options.clockScale = 0.5;
			try {
				sim.addFault({ route: 'billing', kind: 'hang', hangMs: 200, times: 1 });
				sim.addFault({ route: 'billing', kind: 'hang', hangMs: 200, afterHang: 'respond', times: 1 });
				const url = `${sim.baseUrl}/v1/billing/balance`;
				let started = Date.now();
				const reset = await rawRequest(url, { headers: authHeaders(sim) });
				expect(reset.error?.code).toBe('ECONNRESET');
				expect(Date.now() - started).toBeGreaterThanOrEqual(90);
				started = Date.now();
				const late = await rawRequest(url, { headers: authHeaders(sim) });
				expect(late.status).toBe(200);
				expect(Date.now() - started).toBeGreaterThanOrEqual(90);
				expect(sim.log.map((entry) => [entry.fault, entry.status])).toEqual([
					['hang', null],
					['hang', 200],
				]);
			} finally {
				sim.options.clockScale = 1;
			}
		});

		it('hang without hangMs leaves the request open until the client gives up', async () => {
			sim.addFault({ route: 'poll', kind: 'hang', times: 1 });
			const result = await rawRequest(`${sim.baseUrl}${GENERATIONS}?generation_id=x`, {
				headers: authHeaders(sim),
				timeoutMs: 150,
			});
			expect(result.error?.code).toBe('CLIENT_TIMEOUT');
			expect(sim.log[0]).toMatchObject({ status: null, fault: 'hang' });
		});
	});

	describe('malformed answers', () => {
		it("badJson answers 200 with an HTML page, or with the JSON cut in half ('truncated')", async () => {
			sim.addFault({ route: 'poll', kind: 'badJson', times: 1 });
			sim.addFault({ route: 'submit', kind: 'badJson', variant: 'truncated', times: 1 });
			const page = await client(sim).get(GENERATIONS, {
				params: { generation_id: 'x' },
				responseType: 'text',
			});
			expect(page.status).toBe(200);
			expect(page.headers['content-type']).toMatch(/^text\/html/);
			expect(page.data).toBe('<html>upstream error</html>');

			const cut = await rawSubmit();
			expect(cut.status).toBe(200);
			expect(cut.headers?.['content-type']).toMatch(/^application\/json/);
			expect(Number(cut.headers?.['content-length'])).toBe(cut.body.length);
			expect(() => JSON.parse(cut.body.toString())).toThrow();
			expect(cut.body.toString()).toMatch(/^\{"id":"/);
			expect(sim.generations.size).toBe(1);
		});

		it('missingFields answers 200 {} (no id, no status)', async () => {
			sim.addFault({ route: 'submit', kind: 'missingFields', times: 1 });
			const response = await submit(sim);
			expect(response.status).toBe(200);
			expect(response.data).toEqual({});
			expect(sim.generations.size).toBe(1);
		});

		it('downloadCut announces the full length, sends about half, then closes', async () => {
			sim.options.generationMs = 0;
			const id = await submitId(sim);
			const { data } = await poll(sim, id);
			sim.addFault({ route: 'download', kind: 'downloadCut', times: 1 });
			const cut = await rawRequest(data.video.url);
			const size = sampleVideoBytes().length;
			expect(cut.status).toBe(200);
			expect(Number(cut.headers?.['content-length'])).toBe(size);
			expect(cut.aborted).toBe(true);
			expect(cut.body.length).toBe(Math.floor(size / 2));
			expect(cut.body.equals(sampleVideoBytes().subarray(0, cut.body.length))).toBe(true);
			expect(sim.log.at(-1)).toMatchObject({ route: 'download', fault: 'downloadCut', generationId: id });

			const whole = await rawRequest(data.video.url);
			expect(whole.aborted).toBe(false);
			expect(whole.body.length).toBe(size);
		});

		it("downloadCut 'chunked' sends half the file without Content-Length and ends cleanly", async () => {
			sim.options.generationMs = 0;
			const id = await submitId(sim);
			const { data } = await poll(sim, id);
			sim.addFault({ route: 'download', kind: 'downloadCut', variant: 'chunked', times: 1 });
			const cut = await rawRequest(data.video.url);
			const size = sampleVideoBytes().length;
			expect(cut.status).toBe(200);
			expect(cut.headers?.['content-length']).toBeUndefined();
			expect(cut.headers?.['transfer-encoding']).toBe('chunked');
			expect(cut.aborted).toBe(false);
			expect(cut.body.equals(sampleVideoBytes().subarray(0, Math.floor(size / 2)))).toBe(true);
			expect(data.video.file_size).toBe(size);
		});

		it('downloadCut also cuts large generated files and JSON answers', async () => {
			sim.options.generationMs = 0;
			sim.options.videoSizeBytes = 3_000_000;
			try {
				const id = await submitId(sim);
				sim.addFault({ route: 'download', kind: 'downloadCut', times: 1 });
				sim.addFault({ route: 'poll', kind: 'downloadCut', times: 1 });
				const cutPoll = await rawRequest(
					`${sim.baseUrl}${GENERATIONS}?generation_id=${encodeURIComponent(id)}`,
					{
						headers: authHeaders(sim),
					},
				);
				expect(cutPoll.aborted).toBe(true);
				expect(cutPoll.body.length).toBe(Math.floor(Number(cutPoll.headers?.['content-length']) / 2));
				const { data } = await poll(sim, id);
				const cut = await rawRequest(data.video.url);
				expect(Number(cut.headers?.['content-length'])).toBe(3_000_000);
				expect(cut.aborted).toBe(true);
				expect(cut.body.length).toBe(1_500_000);
			} finally {
				sim.options.videoSizeBytes = sampleVideoBytes().length;
			}
		});
	});

	describe("'redirect'", () => {
		it('sends the client to another origin (localhost) with 307, once per request', async () => {
			sim.options.generationMs = 0;
			const id = await submitId(sim);
			const { data } = await poll(sim, id);
			sim.addFault({ route: 'download', kind: 'redirect' });
			const redirected = await client(sim, false).get(data.video.url);
			expect(redirected.status).toBe(307);
			const location = redirected.headers.location as string;
			expect(location).toBe(`http://localhost:${sim.port}/files/${id.split(':')[0]}.mp4`);
			const followed = await client(sim, false).get(location, { responseType: 'arraybuffer' });
			expect(followed.status).toBe(200);
			expect(Buffer.from(followed.data as ArrayBuffer).equals(sampleVideoBytes())).toBe(true);
			expect(sim.log.slice(-2).map((entry) => [entry.status, entry.fault, entry.headers.host])).toEqual([
				[307, 'redirect', `127.0.0.1:${sim.port}`],
				[200, undefined, `localhost:${sim.port}`],
			]);
		});

		it('lets a test see whether the client re-sent the key across origins', async () => {
			sim.addFault({
				route: 'submit',
				kind: 'redirect',
				location: `http://localhost:${sim.port}${GENERATIONS}`,
				times: 1,
			});
			const first = await submit(sim);
			expect(first.status).toBe(307);
			expect(sim.generations.size).toBe(0);
			const withoutKey = await client(sim, false).post(first.headers.location as string, minimalBody());
			expect(withoutKey.status).toBe(401);
			expect(sim.log[1].headers.authorization).toBeUndefined();
		});
	});

	describe('job faults', () => {
		it('jobError ends the job as status "error" with {name, message}, stable across polls', async () => {
			sim.addFault({ route: 'poll', kind: 'jobError', times: 1 });
			const failed = await submitId(sim);
			const succeeded = await submitId(sim);
			await delay(60);
			// The fault goes to whichever job a poll first finds finished.
			const first = await poll(sim, failed);
			expect(first.data).toEqual({
				id: failed,
				status: 'error',
				video: null,
				error: { name: 'ModelError', message: expect.any(String) },
				meta: null,
			});
			expect(pollResponseErrors(first.data)).toEqual([]);
			expect((await poll(sim, failed)).data).toEqual(first.data);
			expect((await poll(sim, succeeded)).data.status).toBe('completed');
			expect(sim.generations.get(failed)?.outcome).toBe('jobError');
			expect(sim.log.filter((entry) => entry.fault === 'jobError')).toHaveLength(2);
			const file = await client(sim, false).get(`/files/${failed.split(':')[0]}.mp4`);
			expect(file.status).toBe(404);
		});

		it('jobErrorDetail sends error.detail, or a top-level detail through a body override', async () => {
			sim.addFault({ route: 'poll', kind: 'jobErrorDetail', times: 1 });
			sim.addFault({
				route: 'poll',
				kind: 'jobErrorDetail',
				times: 1,
				body: {
					error: null,
					detail: [{ loc: ['body', 'prompt'], msg: 'field required', type: 'value_error.missing' }],
				},
			});
			const nested = await pollUntilDone(sim, await submitId(sim));
			expect(nested.data.status).toBe('error');
			expect(nested.data.error.detail).toEqual([
				{ loc: ['body', 'video_url'], msg: expect.any(String), type: 'value_error' },
			]);
			const topLevel = await pollUntilDone(sim, await submitId(sim));
			expect(topLevel.data).toMatchObject({
				status: 'error',
				error: null,
				detail: [{ loc: ['body', 'prompt'], msg: 'field required', type: 'value_error.missing' }],
			});
		});

		it('completedNoVideo completes without a video, explaining why', async () => {
			sim.addFault({ route: 'any', kind: 'completedNoVideo', times: 1 });
			const response = await pollUntilDone(sim, await submitId(sim));
			expect(response.data).toMatchObject({
				status: 'completed',
				video: null,
				error: { name: expect.any(String), message: 'Output video was blocked by the safety checker' },
			});
			expect(pollResponseErrors(response.data)).toEqual([]);
		});

		it('on route submit, decides at creation for the jobs match picks', async () => {
			sim.addFault({
				route: 'submit',
				kind: 'jobError',
				match: ({ body }) => body?.prompt === 'doomed',
				body: { error: { name: 'ValidationError', message: 'Prompt rejected' } },
			});
			const doomed = await submitId(sim, minimalBody({ prompt: 'doomed' }));
			const fine = await submitId(sim, minimalBody({ prompt: 'fine' }));
			expect(sim.generations.get(doomed)?.outcome).toBe('jobError');
			expect(sim.generations.get(fine)?.outcome).toBe('pending');
			expect((await pollUntilDone(sim, doomed)).data.error).toEqual({
				name: 'ValidationError',
				message: 'Prompt rejected',
			});
			expect((await pollUntilDone(sim, fine)).data.status).toBe('completed');
		});
	});

	describe('selection', () => {
		it('times limits a rule to the next N matching requests; rules apply in order', async () => {
			sim.addFault({ route: 'submit', kind: 'status', status: 503, times: 2 });
			sim.addFault({ route: 'any', kind: 'status', status: 500, times: 1, accepted: false });
			const statuses: number[] = [];
			for (let i = 0; i < 4; i++) statuses.push((await submit(sim)).status);
			expect(statuses).toEqual([503, 503, 500, 201]);
			expect(sim.faults()).toEqual([]);
		});

		it('match limits a rule to one generation', async () => {
			sim.options.generationMs = 0;
			const target = await submitId(sim);
			const other = await submitId(sim);
			sim.addFault({
				route: 'poll',
				kind: 'status',
				status: 500,
				match: ({ generationId }) => generationId === target,
			});
			expect((await poll(sim, target)).status).toBe(500);
			expect((await poll(sim, other)).status).toBe(200);
			expect((await poll(sim, target)).status).toBe(500);
			expect(sim.faults()).toEqual([expect.objectContaining({ kind: 'status', remaining: null })]);
		});

		it('probability is deterministic for a seed and request order, and reset() reseeds', async () => {
			const run = async (target: Simulator): Promise<number[]> => {
				target.addFault({ route: 'billing', kind: 'status', status: 503, probability: 0.5 });
				const statuses: number[] = [];
				for (let i = 0; i < 24; i++) statuses.push((await client(target).get('/v1/billing/balance')).status);
				return statuses;
			};
			const other = await startSimulator({ seed: 7 });
			try {
				const first = await run(sim);
				sim.reset();
				const again = await run(sim);
				const otherSeed = await run(other);
				expect(again).toEqual(first);
				expect(first).toContain(503);
				expect(first).toContain(200);
				expect(otherSeed).not.toEqual(first);
				// The sequence is the RNG's: a request fails when its draw is under 0.5.
				const random = seededRandom(1);
				expect(first).toEqual(first.map(() => (random() < 0.5 ? 503 : 200)));
			} finally {
				await other.close();
			}
		});

		it('refuses rules that cannot work', () => {
			const bad: FaultRule[] = [
				{ route: 'submit', kind: 'status' },
				{ route: 'submit', kind: 'status', status: 99 },
				{ route: 'download', kind: 'jobError' },
				{ route: 'poll', kind: 'reset', probability: 2 },
				{ route: 'poll', kind: 'reset', times: -1 },
				{ route: 'nowhere' as 'poll', kind: 'reset' },
				{ route: 'poll', kind: 'explode' as 'reset' },
			];
			for (const rule of bad) expect(() => sim.addFault(rule)).toThrow();
			expect(sim.faults()).toEqual([]);
		});
	});
});
