import { delay } from '../support/node';
import { MODEL_ID, pollResponseErrors, startSimulator, submitResponseErrors, type Simulator } from './index';
import {
	authHeaders,
	client,
	fullBody,
	GENERATIONS,
	minimalBody,
	poll,
	pollUntilDone,
	rawRequest,
	submit,
	submitId,
} from './test-helpers';

const ID_PATTERN = new RegExp(
	`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}:${MODEL_ID.replace(/[./]/g, '\\$&')}$`,
);

function expectApiError(data: unknown, status: number, path = GENERATIONS): void {
	expect(data).toEqual({
		message: expect.any(String),
		path,
		requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
		statusCode: status,
		timestamp: expect.any(String),
	});
	expect(Number.isNaN(Date.parse((data as { timestamp: string }).timestamp))).toBe(false);
}

describe('simulator: AI/ML API surface', () => {
	let sim: Simulator;

	beforeAll(async () => {
		sim = await startSimulator({ generationMs: 200 });
	});
	afterAll(async () => {
		await sim.close();
	});
	beforeEach(() => {
		sim.reset();
		sim.options.generationMs = 200;
		sim.options.legacyStatuses = false;
		sim.options.submitStatusCode = 201;
	});

	describe('authentication', () => {
		it.each([
			['no Authorization header', {}],
			['a wrong key', { Authorization: 'Bearer not-the-simulator-token' }],
			['a wrong scheme', { Authorization: `Basic ${'c2ltOmtleQ=='}` }],
			['an empty bearer', { Authorization: 'Bearer ' }],
		])('answers 401 with the API error body for %s, on every authenticated route', async (_case, headers) => {
			const api = client(sim, false);
			const submitted = await api.post(GENERATIONS, minimalBody(), { headers });
			const polled = await api.get(GENERATIONS, { params: { generation_id: 'x' }, headers });
			const billing = await api.get('/v1/billing/balance', { headers });
			for (const [response, path] of [
				[submitted, GENERATIONS],
				[polled, GENERATIONS],
				[billing, '/v1/billing/balance'],
			] as const) {
				expect(response.status).toBe(401);
				expectApiError(response.data, 401, path);
				expect(response.data.message).toMatch(/^Unauthorized: invalid or missing API key/);
			}
			expect(sim.generations.size).toBe(0);
		});

		it('accepts a key given in options, and a lower-case scheme', async () => {
			const custom = await startSimulator({ apiKey: 'another-simulator-token' });
			try {
				const response = await client(custom, false).post(GENERATIONS, minimalBody(), {
					headers: { Authorization: 'bearer another-simulator-token' },
				});
				expect(response.status).toBe(201);
			} finally {
				await custom.close();
			}
		});
	});

	describe('submit', () => {
		it('accepts the minimal body with 201 {id, status: queued, meta: null}', async () => {
			const response = await submit(sim);
			expect(response.status).toBe(201);
			expect(response.headers['content-type']).toMatch(/^application\/json/);
			expect(response.data).toEqual({ id: expect.stringMatching(ID_PATTERN), status: 'queued', meta: null });
			expect(submitResponseErrors(response.data)).toEqual([]);
			expect(sim.generations.get(response.data.id)?.body).toEqual(minimalBody());
		});

		it('accepts every parameter, the dropped seed-era ones included, and records them', async () => {
			const response = await submit(sim, fullBody());
			expect(response.status).toBe(201);
			const record = sim.generations.get(response.data.id);
			expect(record?.body).toEqual(fullBody());
			expect(record?.body).toMatchObject({
				seed: 42,
				mask_image_url: expect.any(String),
				image_url: expect.any(String),
			});
		});

		it('accepts a multi-megabyte data: URI as video_url', async () => {
			const videoUrl = `data:video/mp4;base64,${Buffer.alloc(3 * 1024 * 1024, 7).toString('base64')}`;
			const response = await submit(sim, minimalBody({ video_url: videoUrl }));
			expect(response.status).toBe(201);
			expect(sim.generations.get(response.data.id)?.body.video_url).toBe(videoUrl);
			const logged = sim.log[0].body as { video_url: string };
			expect(logged.video_url.length).toBeLessThan(70 * 1024);
		});

		it('answers 200 instead when submitStatusCode is 200', async () => {
			sim.options.submitStatusCode = 200;
			expect((await submit(sim)).status).toBe(200);
		});

		it.each([
			['num_frames above 241', { num_frames: 300 }, 'num_frames', 'must be <= 241'],
			['num_frames below 17', { num_frames: 16 }, 'num_frames', 'must be >= 17'],
			['num_frames not an integer', { num_frames: 81.5 }, 'num_frames', 'must be integer'],
			['frames_per_second above 30', { frames_per_second: 31 }, 'frames_per_second', 'must be <= 30'],
			['seed-era resolution auto', { resolution: 'auto' }, 'resolution', 'must be one of: 480p, 580p, 720p'],
			['a string guidance_scale', { guidance_scale: '5' }, 'guidance_scale', 'must be number'],
			['a string boolean', { enable_safety_checker: 'true' }, 'enable_safety_checker', 'must be boolean'],
			['a numeric prompt', { prompt: 42 }, 'prompt', 'must be string'],
			['a video_url that is not a URI', { video_url: 'not a url' }, 'video_url', 'must match format "uri"'],
			[
				'an image_list entry that is not a URI',
				{ image_list: ['ok', 'https://x.y/a.png'] },
				'image_list.0',
				'must match format "uri"',
			],
			[
				'another model',
				{ model: 'alibaba/wan2.1' },
				'model',
				'must be one of: alibaba/wan2.2-vace-fun-a14b-inpainting',
			],
			[
				'unknown aspect_ratio',
				{ aspect_ratio: '4:3' },
				'aspect_ratio',
				'must be one of: auto, 16:9, 1:1, 9:16',
			],
		])('rejects %s with 400 naming the field', async (_case, override, field, message) => {
			const response = await submit(sim, minimalBody(override));
			expect(response.status).toBe(400);
			expect(response.data).toMatchObject({
				message: 'Body validation error!',
				statusCode: 400,
				path: GENERATIONS,
			});
			expect(response.data.errors).toContainEqual({ field, message });
			expect(sim.generations.size).toBe(0);
		});

		it.each(['prompt', 'video_url', 'model'])('rejects a body without %s', async (field) => {
			const body = minimalBody();
			delete body[field];
			const response = await submit(sim, body);
			expect(response.status).toBe(400);
			expect(response.data.errors).toEqual([{ field, message: `must have required property '${field}'` }]);
		});

		it('lists every problem at once', async () => {
			const response = await submit(sim, { model: MODEL_ID, num_frames: 300, resolution: 'auto' });
			expect(response.data.errors.map((error: { field: string }) => error.field).sort()).toEqual([
				'num_frames',
				'prompt',
				'resolution',
				'video_url',
			]);
		});

		it('answers 400 to a body that is not JSON, or not an object', async () => {
			const url = `${sim.baseUrl}${GENERATIONS}`;
			const broken = await rawRequest(url, { method: 'POST', headers: authHeaders(sim), body: '{"model": ' });
			expect(broken.status).toBe(400);
			expect(JSON.parse(broken.body.toString())).toMatchObject({
				statusCode: 400,
				errors: [{ field: 'body' }],
			});

			const array = await rawRequest(url, { method: 'POST', headers: authHeaders(sim), body: '[]' });
			expect(array.status).toBe(400);
			expect(JSON.parse(array.body.toString()).errors).toEqual([
				{ field: 'body', message: 'must be object' },
			]);

			// Not declared as JSON: like the API's body parser, the body is not read at all.
			const plain = await rawRequest(url, {
				method: 'POST',
				headers: { ...authHeaders(sim), 'Content-Type': 'text/plain' },
				body: JSON.stringify(minimalBody()),
			});
			expect(plain.status).toBe(400);
			expect(JSON.parse(plain.body.toString()).errors).toContainEqual({
				field: 'model',
				message: "must have required property 'model'",
			});
			expect(sim.log.map((entry) => entry.body)).toEqual(['{"model": ', [], minimalBody()]);
		});
	});

	describe('poll', () => {
		it('goes queued -> generating -> completed on the scaled clock, every response schema-valid', async () => {
			const scaled = await startSimulator({ generationMs: 4000, clockScale: 0.1, queuedFraction: 0.25 });
			try {
				const start = Date.now();
				const id = await submitId(scaled);
				const seen: Array<{ status: string; at: number }> = [];
				for (;;) {
					const response = await poll(scaled, id);
					expect(response.status).toBe(200);
					expect(pollResponseErrors(response.data)).toEqual([]);
					seen.push({ status: response.data.status, at: Date.now() - start });
					if (response.data.status === 'completed') {
						expect(response.data).toEqual({
							id,
							status: 'completed',
							video: {
								url: `${scaled.baseUrl}/files/${id.split(':')[0]}.mp4`,
								content_type: 'video/mp4',
								file_name: `${id.split(':')[0]}.mp4`,
								file_size: expect.any(Number),
								duration: 1,
							},
							error: null,
							meta: { usage: { credits_used: 81 * 2100, usd_spent: (81 * 2100) / 2_000_000 } },
						});
						break;
					}
					expect(response.data).toEqual({
						id,
						status: expect.any(String),
						video: null,
						error: null,
						meta: null,
					});
					await delay(15);
				}
				const statuses = [...new Set(seen.map((entry) => entry.status))];
				expect(statuses).toEqual(['queued', 'generating', 'completed']);
				const firstGenerating = seen.find((entry) => entry.status === 'generating')?.at ?? 0;
				const firstCompleted = seen.find((entry) => entry.status === 'completed')?.at ?? 0;
				expect(firstGenerating).toBeGreaterThanOrEqual(100 - 5);
				expect(firstCompleted).toBeGreaterThanOrEqual(400 - 5);
				expect(firstCompleted).toBeLessThan(400 + 300);

				const record = scaled.generations.get(id);
				expect(record?.completeAt).toBe((record?.createdAt ?? 0) + 400);
				expect(record?.completedObservedAt).toBeGreaterThanOrEqual(record?.completeAt ?? Infinity);
				expect(record?.outcome).toBe('success');
			} finally {
				await scaled.close();
			}
		});

		it('reports waiting / active / processing with legacyStatuses', async () => {
			sim.options.legacyStatuses = true;
			sim.options.generationMs = 600;
			const submitted = await submit(sim);
			expect(submitted.data.status).toBe('waiting');
			const seen = new Set<string>();
			for (;;) {
				const { data } = await poll(sim, submitted.data.id);
				seen.add(data.status);
				if (data.status === 'completed') break;
				await delay(15);
			}
			expect([...seen]).toEqual(['waiting', 'active', 'processing', 'completed']);
		});

		it('answers 404 "Generation not found" for an unknown id, and 400 without generation_id', async () => {
			const unknown = await poll(sim, `00000000-0000-4000-8000-000000000000:${MODEL_ID}`);
			expect(unknown.status).toBe(404);
			expectApiError(unknown.data, 404);
			expect(unknown.data.message).toBe('Generation not found');

			const missing = await client(sim).get(GENERATIONS);
			expect(missing.status).toBe(400);
			expect(missing.data.errors).toEqual([
				{ field: 'generation_id', message: expect.stringContaining('generation_id') },
			]);
		});

		it('round-trips ids with ":" and "/" URL-encoded (and tolerates them raw)', async () => {
			const id = await submitId(sim);
			expect(id).toContain(':');
			expect(id).toContain('/');
			const encoded = await client(sim).get(`${GENERATIONS}?generation_id=${encodeURIComponent(id)}`);
			expect(encoded.status).toBe(200);
			expect(encoded.data.id).toBe(id);
			const viaParams = await client(sim).get(GENERATIONS, { params: { generation_id: id } });
			expect(viaParams.data.id).toBe(id);
			const raw = await client(sim).get(`${GENERATIONS}?generation_id=${id}`);
			expect(raw.data.id).toBe(id);
			expect(sim.log.map((entry) => entry.query.generation_id)).toEqual([undefined, id, id, id]);
		});

		it('keeps video.url on the origin the client used', async () => {
			sim.options.generationMs = 0;
			const id = await submitId(sim);
			const response = await client(sim).get(`${GENERATIONS}?generation_id=${encodeURIComponent(id)}`, {
				baseURL: `http://localhost:${sim.port}`,
			});
			expect(response.data.video.url).toBe(`http://localhost:${sim.port}/files/${id.split(':')[0]}.mp4`);
		});
	});

	it('answers the billing balance the credential test reads', async () => {
		const response = await client(sim).get('/v1/billing/balance');
		expect(response.status).toBe(200);
		expect(response.data).toEqual({
			balance: 551564495,
			lowBalance: false,
			lowBalanceThreshold: 10000,
			lastUpdated: expect.any(String),
			autoDebitStatus: 'disabled',
			status: 'current',
			statusExplanation: 'Balance is current and up to date',
		});
		expect(Math.abs(Date.parse(response.data.lastUpdated) - Date.now())).toBeLessThan(5000);
	});

	it('answers 404 in the API error shape for unknown routes and methods', async () => {
		const unknown = await client(sim).get('/v1/embeddings');
		expect(unknown.status).toBe(404);
		expectApiError(unknown.data, 404, '/v1/embeddings');
		const wrongMethod = await client(sim).delete(GENERATIONS);
		expect(wrongMethod.status).toBe(404);
		expect(wrongMethod.data.message).toBe(`Cannot DELETE ${GENERATIONS}`);
	});

	it('counts and logs every request', async () => {
		sim.options.generationMs = 50;
		const id = await submitId(sim, minimalBody({ prompt: 'counted' }));
		await submit(sim, minimalBody({ num_frames: 1 }));
		await client(sim, false).post(GENERATIONS, minimalBody());
		const done = await pollUntilDone(sim, id);
		await client(sim).get(done.data.video.url);
		await client(sim).get('/v1/billing/balance');

		const counters = sim.counters();
		const polls = counters.getsByGeneration[id];
		expect(polls).toBeGreaterThanOrEqual(1);
		expect(counters).toEqual({
			posts: 3,
			acceptedPosts: 1,
			gets: polls,
			getsByGeneration: { [id]: polls },
			downloads: 1,
			billing: 1,
			catalogue: 0,
			logs: 0,
		});

		const [first, rejected, unauthorized] = sim.log;
		expect(first).toMatchObject({
			method: 'POST',
			path: GENERATIONS,
			query: {},
			route: 'submit',
			status: 201,
			generationId: id,
			body: minimalBody({ prompt: 'counted' }),
		});
		expect(first.headers.authorization).toBe(`Bearer ${sim.apiKey}`);
		expect(first.headers['content-type']).toMatch(/application\/json/);
		expect(first.at).toBeLessThanOrEqual(Date.now());
		expect(first.fault).toBeUndefined();
		expect(rejected).toMatchObject({ status: 400, route: 'submit' });
		expect(rejected.generationId).toBeUndefined();
		expect(unauthorized).toMatchObject({ status: 401 });
		expect(unauthorized.headers.authorization).toBeUndefined();
		expect(sim.log.map((entry) => entry.route)).toEqual([
			'submit',
			'submit',
			'submit',
			...Array<string>(polls).fill('poll'),
			'download',
			'billing',
		]);
		expect(sim.log.at(-2)).toMatchObject({ route: 'download', status: 200, generationId: id });

		sim.reset();
		expect(sim.log).toEqual([]);
		expect(sim.generations.size).toBe(0);
		expect(sim.counters()).toEqual({
			posts: 0,
			acceptedPosts: 0,
			gets: 0,
			getsByGeneration: {},
			downloads: 0,
			billing: 0,
			catalogue: 0,
			logs: 0,
		});
	});

	it('emits completed when a job reaches completeAt, polled or not', async () => {
		sim.options.generationMs = 80;
		const completed: Array<[string, number]> = [];
		const listener = (id: string, atMs: number): void => void completed.push([id, atMs]);
		sim.on('completed', listener);
		try {
			const id = await submitId(sim);
			await delay(200);
			const record = sim.generations.get(id);
			expect(completed).toEqual([[id, record?.completeAt]]);
			expect(record?.completedObservedAt).toBeUndefined();
		} finally {
			sim.off('completed', listener);
		}
	});
});
