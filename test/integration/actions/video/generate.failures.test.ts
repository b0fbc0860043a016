import { delay } from '../../../support/node';
import { FAST_RUN_OPTIONS, generateParameters, quietLogLength, polls, runAgainst, submits, useSimulator } from '../../../harness/fixtures';

const simulator = useSimulator({ generationMs: 300 });

/** A key the simulator rejects. */
const WRONG_KEY = ['wrong', 'key', '123456'].join('-');

const idOf = (sim: ReturnType<typeof simulator>) => [...sim.generations.keys()][0];

describe('Generate: terminal statuses', () => {
	it('reports a failed generation with the API reason and its ID', async () => {
		const sim = simulator();
		sim.addFault({ route: 'poll', kind: 'jobError', body: { error: { name: 'ModelError', message: 'CUDA out of memory' } } });
		const result = await runAgainst(sim, { parameters: generateParameters() });
		expect(result.error?.message).toContain('CUDA out of memory');
		expect(result.error?.message).toContain(idOf(sim));
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.context?.itemIndex).toBe(0);
	});

	it('reads a detail[] array error', async () => {
		const sim = simulator();
		sim.addFault({ route: 'poll', kind: 'jobErrorDetail' });
		const result = await runAgainst(sim, { parameters: generateParameters() });
		expect(result.error?.message).toMatch(/failed: .*video_url/);
		expect(result.error?.message).toContain(idOf(sim));
	});

	it('reads a top-level detail[] array error', async () => {
		const sim = simulator();
		sim.addFault({
			route: 'poll',
			kind: 'jobErrorDetail',
			body: { error: null, detail: [{ loc: ['body', 'prompt'], msg: 'prompt flagged', type: 'value_error' }] },
		});
		const result = await runAgainst(sim, { parameters: generateParameters() });
		expect(result.error?.message).toContain('prompt: prompt flagged');
	});

	it('treats "completed" without a video as an error with the reason', async () => {
		const sim = simulator();
		sim.addFault({ route: 'poll', kind: 'completedNoVideo' });
		const result = await runAgainst(sim, { parameters: generateParameters() });
		expect(result.error?.message).toContain('completed without a video');
		expect(result.error?.message).toContain('safety checker');
		expect(result.error?.message).toContain(idOf(sim));
	});

	it('reports status "failed" (older API examples) as a failure', async () => {
		const sim = simulator();
		sim.addFault({ route: 'poll', kind: 'jobError', body: { status: 'failed', error: { name: 'Timeout', message: 'worker lost' } } });
		const result = await runAgainst(sim, { parameters: generateParameters() });
		expect(result.error?.message).toContain('worker lost');
	});
});

describe('Generate: transient poll failures are retried', () => {
	it.each([
		['429 with Retry-After', { route: 'poll' as const, kind: 'status' as const, status: 429, retryAfter: 1, times: 2 }],
		['429 without Retry-After', { route: 'poll' as const, kind: 'status' as const, status: 429, times: 2 }],
		['500', { route: 'poll' as const, kind: 'status' as const, status: 500, times: 2 }],
		['502', { route: 'poll' as const, kind: 'status' as const, status: 502, times: 1 }],
		['503', { route: 'poll' as const, kind: 'status' as const, status: 503, times: 1 }],
		['504', { route: 'poll' as const, kind: 'status' as const, status: 504, times: 1 }],
		['connection reset', { route: 'poll' as const, kind: 'reset' as const, times: 2 }],
		['HTML instead of JSON', { route: 'poll' as const, kind: 'badJson' as const, times: 1 }],
		['truncated JSON', { route: 'poll' as const, kind: 'badJson' as const, variant: 'truncated' as const, times: 1 }],
		['a body without fields', { route: 'poll' as const, kind: 'missingFields' as const, times: 1 }],
		['a poll that hangs past the request timeout', { route: 'poll' as const, kind: 'hang' as const, times: 1 }],
	])('%s', async (_name, fault) => {
		const sim = simulator();
		sim.addFault(fault);
		const result = await runAgainst(sim, { parameters: generateParameters({ runOptions: { requestTimeoutSeconds: 1 } }) });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.status).toBe('completed');
		expect(sim.counters().posts).toBe(1);
		expect(polls(sim).filter((entry) => entry.fault).length).toBeGreaterThan(0);
	});

	it('honours Retry-After', async () => {
		const sim = simulator();
		sim.options.generationMs = 100;
		sim.addFault({ route: 'poll', kind: 'status', status: 429, retryAfter: 2, times: 1 });
		const result = await runAgainst(sim, { parameters: generateParameters() });
		expect(result.error).toBeUndefined();
		const [limited, next] = polls(sim);
		expect(limited.status).toBe(429);
		expect(next.at - limited.at).toBeGreaterThanOrEqual(1900);
	});

	it('gives up after repeated failures, keeping the generation ID', async () => {
		const sim = simulator();
		sim.addFault({ route: 'poll', kind: 'status', status: 503, retryAfter: 0 });
		const result = await runAgainst(sim, { parameters: generateParameters() });
		expect(result.error?.message).toMatch(/failed 10 times in a row \(last: HTTP 503/);
		expect(result.error?.message).toContain(idOf(sim));
		expect(result.error?.description).toContain('Get operation');
		expect(sim.counters().posts).toBe(1);
	});
});

describe('Generate: timeout and cancel keep the generation ID', () => {
	it('times out after Max Wait with the ID and how to fetch it', async () => {
		const sim = simulator();
		sim.options.generationMs = 60_000;
		const result = await runAgainst(sim, { parameters: generateParameters({ runOptions: { maxWaitMinutes: 0.02 } }) });
		expect(result.error?.message).toMatch(/did not finish within 0.02 min \(last status: (queued|generating)\)/);
		expect(result.error?.message).toContain(idOf(sim));
		expect(result.error?.description).toContain('Get operation');
	});

	it('times out into an error item under Continue On Fail', async () => {
		const sim = simulator();
		sim.options.generationMs = 60_000;
		const result = await runAgainst(sim, {
			continueOnFail: true,
			parameters: generateParameters({ runOptions: { maxWaitMinutes: 0.02 } }),
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ generationId: idOf(sim) });
		expect(result.items[0].json.error).toContain('did not finish');
	});

	it('stops polling promptly when the execution is cancelled', async () => {
		const sim = simulator();
		sim.options.generationMs = 60_000;
		const result = await runAgainst(sim, {
			items: [{ json: {} }, { json: {} }],
			cancelAfterMs: 1500,
			parameters: generateParameters(),
		});
		const ids = [...sim.generations.keys()];
		expect(ids).toHaveLength(2);
		const requests = await quietLogLength(sim);
		// An observation window of several poll intervals: a job still scheduled would poll in it.
		await delay(4 * FAST_RUN_OPTIONS.pollIntervalSeconds * 1000);
		expect(sim.log.slice(requests)).toEqual([]);
		expect(result.run.status).toBe('canceled');
	});
});

describe('Generate: a cancel does not wait for requests in flight', () => {
	it('aborts a status check that hangs, instead of waiting out the request timeout', async () => {
		const sim = simulator();
		sim.addFault({ route: 'poll', kind: 'hang' });

		const result = await runAgainst(sim, {
			cancelAfterMs: 1500,
			parameters: generateParameters({ runOptions: { requestTimeoutSeconds: 60 } }),
		});

		expect(result.run.status).toBe('canceled');
		const hanging = sim.log.find((entry) => entry.route === 'poll' && entry.status === null);
		expect(hanging).toBeDefined();
		// The node drops the connection with the cancel, not 60 s later when the request would time out.
		for (let waited = 0; hanging?.closedAt === undefined && waited < 30_000; waited += 50) await delay(50);
		expect((hanging?.closedAt as number) - (result.cancelledAt as number)).toBeLessThan(30_000);
	});
});

describe('Generate: errors of the API', () => {
	it('says the key is wrong on 401, without the key', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, { apiKey: WRONG_KEY, parameters: generateParameters() });
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.httpCode).toBe('401');
		expect(result.error?.message).toContain('HTTP 401');
		expect(result.error?.description).toContain('API key was not accepted');
		expect(result.error?.description).toContain('No generation was created');
		expect(JSON.stringify(result.error)).not.toContain(WRONG_KEY);
	});

	it('names the field the API rejected on 400', async () => {
		const sim = simulator();
		sim.addFault({
			route: 'submit',
			kind: 'status',
			status: 400,
			body: { message: 'Body validation error!', statusCode: 400, errors: [{ field: 'num_frames', message: 'must be <= 161 for 720p' }] },
		});
		const result = await runAgainst(sim, { parameters: generateParameters() });
		expect(result.error?.httpCode).toBe('400');
		expect(result.error?.message).toContain('Body validation error!');
		expect(result.error?.description).toContain('num_frames: must be <= 161 for 720p');
	});

	it('names the field on 422 with a detail[] body', async () => {
		const sim = simulator();
		sim.addFault({
			route: 'submit',
			kind: 'status',
			status: 422,
			body: { detail: [{ loc: ['body', 'resolution'], msg: 'unsupported for this input', type: 'value_error' }] },
		});
		const result = await runAgainst(sim, { parameters: generateParameters() });
		expect(result.error?.httpCode).toBe('422');
		expect(result.error?.description).toContain('resolution: unsupported for this input');
	});

	it('explains 403 (credits / access)', async () => {
		const sim = simulator();
		sim.addFault({ route: 'submit', kind: 'status', status: 403 });
		const result = await runAgainst(sim, { parameters: generateParameters() });
		expect(result.error?.description).toContain('out of credits');
	});

	it('retries a submission refused with 429 and creates exactly one generation', async () => {
		const sim = simulator();
		sim.addFault({ route: 'submit', kind: 'status', status: 429, retryAfter: 0, times: 2 });
		const result = await runAgainst(sim, { parameters: generateParameters() });
		expect(result.error).toBeUndefined();
		expect(sim.counters().posts).toBe(3);
		expect(sim.counters().acceptedPosts).toBe(1);
	});

	it('retries a submission when the connection is refused', async () => {
		const sim = simulator();
		const refused = sim.refuseConnections(800);
		const result = await runAgainst(sim, { parameters: generateParameters() });
		await refused;
		expect(result.error).toBeUndefined();
		expect(sim.counters().acceptedPosts).toBe(1);
	});

	it.each([
		['500', { route: 'submit' as const, kind: 'status' as const, status: 500 }],
		['502', { route: 'submit' as const, kind: 'status' as const, status: 502 }],
		['504', { route: 'submit' as const, kind: 'status' as const, status: 504 }],
		['connection reset', { route: 'submit' as const, kind: 'reset' as const }],
		['a hang past the timeout', { route: 'submit' as const, kind: 'hang' as const }],
	])('never resubmits after an ambiguous %s (it may have created a generation)', async (_name, fault) => {
		const sim = simulator();
		sim.addFault(fault);
		const result = await runAgainst(sim, { parameters: generateParameters({ runOptions: { requestTimeoutSeconds: 1 } }) });
		expect(sim.counters().posts).toBe(1);
		expect(result.error?.description).toContain('may have reached AI/ML API');
		expect(result.error?.description).toContain('dashboard');
	});

	it('reports a 2xx submission without an ID as possibly charged, without retrying', async () => {
		const sim = simulator();
		sim.addFault({ route: 'submit', kind: 'missingFields' });
		const result = await runAgainst(sim, { parameters: generateParameters() });
		expect(sim.counters().posts).toBe(1);
		expect(result.error?.message).toContain('has no generation ID');
		expect(result.error?.description).toContain('dashboard');
	});
});

describe('Generate: many items', () => {
	it('Continue On Fail: one error item per failed input, the others succeed', async () => {
		const sim = simulator();
		sim.addFault({ route: 'poll', kind: 'jobError', match: (request) => request.body?.prompt === 'fails at the API' });
		const items = [{ json: { prompt: 'ok one' } }, { json: { prompt: '' } }, { json: { prompt: 'fails at the API' } }, { json: { prompt: 'ok two' } }];
		const result = await runAgainst(sim, {
			items,
			continueOnFail: true,
			parameters: generateParameters({ prompt: '={{ $json.prompt }}' }),
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(4);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(result.items[0].json.status).toBe('completed');
		expect(result.items[1].json.error).toContain('Prompt (prompt) is empty');
		expect(result.items[1].json.generationId).toBeUndefined();
		expect(result.items[2].json.error).toContain('failed');
		expect(result.items[2].json.generationId).toBe(
			[...sim.generations.values()].find((generation) => generation.body.prompt === 'fails at the API')?.id,
		);
		expect(result.items[3].json.status).toBe('completed');
		expect(submits(sim)).toHaveLength(3);
	});

	it('validates every item before submitting any', async () => {
		const sim = simulator();
		const items = [{ json: { prompt: 'fine' } }, { json: { prompt: 'fine too' } }, { json: { prompt: '' } }];
		const result = await runAgainst(sim, { items, parameters: generateParameters({ prompt: '={{ $json.prompt }}' }) });
		expect(result.error?.message).toContain('Prompt (prompt) is empty');
		expect(result.error?.context?.itemIndex).toBe(2);
		expect(sim.log).toHaveLength(0);
	});

	it('without Continue On Fail, the error lists the other generations so none is lost', async () => {
		const sim = simulator();
		sim.addFault({ route: 'poll', kind: 'jobError', match: (request) => request.body?.prompt === 'bad' });
		const items = [{ json: { prompt: 'good' } }, { json: { prompt: 'bad' } }, { json: { prompt: 'good again' } }];
		const result = await runAgainst(sim, { items, parameters: generateParameters({ prompt: '={{ $json.prompt }}' }) });
		expect(result.error?.context?.itemIndex).toBe(1);
		for (const id of sim.generations.keys()) {
			expect(`${result.error?.message} ${result.error?.description}`).toContain(id);
		}
	});
});

