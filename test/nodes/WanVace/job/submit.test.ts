import { readRunSettings } from '../../../../nodes/WanVace/descriptions/runOptions';
import { submitGeneration } from '../../../../nodes/WanVace/job/submit';
import { type GenerationJob, type StepContext, backoffMs } from '../../../../nodes/WanVace/job/state';
import { createTransport } from '../../../../nodes/WanVace/transport';
import { FAKE_API_KEY, type FakeContextOptions, FullResponse, fakeContext, httpError } from '../fakeContext';

const NOW = 1_700_000_000_000;

async function stepWith(api: FakeContextOptions['api']) {
	const fake = fakeContext({ api });
	const step: StepContext = {
		ctx: fake.ctx,
		node: fake.ctx.getNode(),
		transport: await createTransport(fake.ctx),
		settings: readRunSettings(fake.ctx),
		downloadVideo: false,
		signal: undefined,
	};
	return { step, fake };
}

const job = (): GenerationJob => ({ itemIndex: 2, request: { body: { model: 'm', prompt: 'p' }, settings: {}, media: [], binaries: [] }, state: { phase: 'new' } });
const toSubmit = { phase: 'toSubmit' as const, attempts: 0, retryAt: NOW };

beforeEach(() => {
	jest.useFakeTimers({ now: NOW });
	jest.spyOn(Math, 'random').mockReturnValue(0.5);
});
afterEach(() => {
	jest.useRealTimers();
	jest.restoreAllMocks();
});

describe('backoffMs', () => {
	it('doubles from 1 s up to 30 s, with ±20 % jitter', () => {
		expect([1, 2, 3, 4, 5, 6, 7].map((failures) => backoffMs(failures))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
		expect(backoffMs(1, () => 0)).toBe(800);
		expect(backoffMs(1, () => 1)).toBe(1200);
	});
});

describe('submitGeneration', () => {
	it('POSTs the body once and returns the trimmed generation ID, logging it without the key', async () => {
		const { step, fake } = await stepWith(async () => ({ id: ' gen-1:alibaba/x ', status: 'queued' }));
		const next = await submitGeneration(step, job(), toSubmit);
		expect(next).toEqual({ phase: 'submitted', generationId: 'gen-1:alibaba/x', response: { id: ' gen-1:alibaba/x ', status: 'queued' } });
		expect(fake.apiRequests).toHaveLength(1);
		expect(fake.apiRequests[0]).toMatchObject({ method: 'POST', url: 'http://api.test/v2/video/generations', body: { model: 'm', prompt: 'p' } });
		expect(fake.logged.map((entry) => entry.message)).toEqual([
			'Wan VACE: submitted generation gen-1:alibaba/x (item 2, execution exec-1, workflow "Unit test" (wf-1), node "Wan VACE Inpaint")',
		]);
		expect(JSON.stringify(fake.logged)).not.toContain(FAKE_API_KEY);
	});

	it('a 429 with Retry-After is tried again after exactly that long', async () => {
		const { step } = await stepWith(async () => {
			throw httpError(429, { message: 'slow down' }, { 'retry-after': '3' });
		});
		expect(await submitGeneration(step, job(), toSubmit)).toEqual({ phase: 'toSubmit', attempts: 1, firstAttemptAt: NOW, retryAt: NOW + 3000 });
	});

	it('a 503 without Retry-After backs off 1 s, then 2 s', async () => {
		const { step } = await stepWith(async () => {
			throw httpError(503);
		});
		const first = await submitGeneration(step, job(), toSubmit);
		expect(first).toEqual({ phase: 'toSubmit', attempts: 1, firstAttemptAt: NOW, retryAt: NOW + 1000 });
		const second = await submitGeneration(step, job(), first as typeof toSubmit);
		expect(second).toEqual({ phase: 'toSubmit', attempts: 2, firstAttemptAt: NOW, retryAt: NOW + 2000 });
	});

	it('a 400 fails at once: nothing was created, so nothing was charged', async () => {
		const { step } = await stepWith(async () => {
			throw httpError(400, { message: 'Body validation error!', errors: [{ field: 'num_frames', message: 'too big' }] });
		});
		const next = await submitGeneration(step, job(), toSubmit);
		expect(next.phase).toBe('failed');
		if (next.phase !== 'failed') return;
		expect(next.uncertain).toBe(false);
		expect(next.error.message).toBe('AI/ML API error while submitting the generation: HTTP 400: Body validation error!');
		expect(next.error.description).toContain('No generation was created for this item, so nothing was charged.');
	});

	it('a 500 may have created a generation: failed as uncertain, never retried', async () => {
		const { step, fake } = await stepWith(async () => {
			throw httpError(500);
		});
		const next = await submitGeneration(step, job(), toSubmit);
		expect(fake.apiRequests).toHaveLength(1);
		expect(next).toMatchObject({ phase: 'failed', uncertain: true });
	});

	it('an answer without an ID is reported as possibly charged', async () => {
		const { step } = await stepWith(async () => ({ status: 'queued' }));
		const next = await submitGeneration(step, job(), toSubmit);
		expect(next).toMatchObject({ phase: 'failed', uncertain: true });
		if (next.phase === 'failed') expect(next.error.message).toBe('AI/ML API accepted the submission but its answer has no generation ID');
	});

	it('a cancelled POST is interrupted: it may have created a generation', async () => {
		const { step } = await stepWith(async () => {
			throw Object.assign(new Error('canceled'), { code: 'ERR_CANCELED', name: 'CanceledError' });
		});
		expect(await submitGeneration(step, job(), toSubmit)).toEqual({ phase: 'interrupted' });
	});
});

describe('submitGeneration: tracing and cost', () => {
	it('sends the job\'s client request id, keeps the inference id and the submit answer\'s cost (not final), and logs the id', async () => {
		const { step, fake } = await stepWith(async () => new FullResponse({ id: 'gen-7', status: 'queued' }, { 'x-inference-id': 'gen-7', 'x-aimlapi-credits-used': '170100', 'x-aimlapi-usd-spent': '0.08505' }));
		const traced = { ...job(), trace: { clientRequestId: 'n8n:wf-1:exec-1:0a1b2c3d:2:1' } };
		await submitGeneration(step, traced, toSubmit);
		expect(fake.apiRequests[0].headers).toEqual({ 'X-Client-Request-Id': 'n8n:wf-1:exec-1:0a1b2c3d:2:1' });
		expect(fake.apiRequests[0].returnFullResponse).toBe(true);
		expect(traced.trace).toEqual({ clientRequestId: 'n8n:wf-1:exec-1:0a1b2c3d:2:1', inferenceId: 'gen-7', submitCost: { credits: 170100, usd: 0.08505 } });
		expect(fake.logged[0].message).toContain('client request id n8n:wf-1:exec-1:0a1b2c3d:2:1');
		expect(fake.logged[0].meta).toMatchObject({ clientRequestId: 'n8n:wf-1:exec-1:0a1b2c3d:2:1' });
	});
});
