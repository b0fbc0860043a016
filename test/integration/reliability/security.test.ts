import { capturedOutput } from './log-capture';

import type { INodeParameters } from 'n8n-workflow';

import { type InputItem, type RunNodeResult, runNode } from '../../harness/engine';
import { generateParameters } from '../../harness/fixtures';
import { type Simulator, startSimulator } from '../../simulator';
import { crypto } from '../../support/node';
import { ITEM_ENDING_FAULTS, MIXED_FAULTS } from './scenarios';

/**
 * Runs with a recognisable API key where the key could escape: API answers that echo it back,
 * a wrong key, a Base URL that carries it, failures of every kind, redirects. The key must
 * appear in no output item, no error (message, description, serialisation), no run data and
 * no line written to the console or n8n's log.
 */
const CANARY = ['sk', 'canary', crypto.randomBytes(12).toString('hex')].join('-');

let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator({ apiKey: CANARY, generationMs: 300, seed: 11 });
});
afterAll(async () => await sim.close());
beforeEach(() => sim.reset());

const items = Array.from({ length: 10 }, (_, index) => ({ json: { prompt: `clip ${index}` } }));
const batch = generateParameters({ prompt: '={{ $json.prompt }}', runOptions: { requestTimeoutSeconds: 1, downloadVideo: true } });

async function run(_name: string, options: { parameters: INodeParameters; items?: InputItem[]; continueOnFail?: boolean; apiKey?: string; baseUrl?: string }) {
	const result = await runNode({
		parameters: options.parameters,
		items: options.items,
		continueOnFail: options.continueOnFail,
		credentials: { apiKey: options.apiKey ?? CANARY, baseUrl: options.baseUrl ?? sim.baseUrl },
	});
	return result;
}

function leaksIn(result: RunNodeResult): string[] {
	const places: Record<string, string> = {
		items: JSON.stringify(result.items),
		errorMessage: result.error?.message ?? '',
		errorDescription: result.error?.description ?? '',
		errorSerialised: JSON.stringify(result.error ?? null),
		runData: JSON.stringify(result.run),
	};
	return Object.entries(places)
		.filter(([, text]) => text.includes(CANARY))
		.map(([place]) => place);
}

describe('the API key never leaks', () => {
	it('bad Base URL', async () => {
		const result = await run('ftp base URL', { parameters: generateParameters(), baseUrl: `ftp://${CANARY}@example.com` });
		expect(result.error?.message).toContain('not a valid http(s) URL');
		expect(leaksIn(result)).toEqual([]);
	});

	it('a batch hit by every kind of fault (errors, retries, lost answers) shows it nowhere', async () => {
		for (const fault of [...ITEM_ENDING_FAULTS.flatMap(([, faults]) => faults), ...MIXED_FAULTS]) sim.addFault(fault);
		const result = await run('mixed faults', { parameters: batch, items, continueOnFail: true });
		expect(result.items).toHaveLength(items.length);
		expect(result.items.some((item) => item.json.error)).toBe(true);
		expect(leaksIn(result)).toEqual([]);
	});

	it.each([
		['401 that echoes the key', { route: 'submit' as const, kind: 'status' as const, status: 401, body: { message: `Invalid API key ${CANARY}`, statusCode: 401 } }],
		['400 whose field errors quote the key', { route: 'submit' as const, kind: 'status' as const, status: 400, body: { message: 'Body validation error!', errors: [{ field: 'authorization', message: `bad value Bearer ${CANARY}` }] } }],
		['poll 404 that echoes the key', { route: 'poll' as const, kind: 'status' as const, status: 404, body: `no generation for key ${CANARY}` }],
		['job error that quotes the key', { route: 'poll' as const, kind: 'jobError' as const, body: { error: { name: 'AuthError', message: `key ${CANARY} has no access` } } }],
	])('an API answer that %s is redacted', async (name, fault) => {
		sim.addFault(fault);
		const failing = await run(name, { parameters: generateParameters() });
		expect(failing.error).toBeDefined();
		expect(`${failing.error?.message} ${failing.error?.description}`).toContain('[redacted]');
		expect(leaksIn(failing)).toEqual([]);
		const continuing = await run(`${name} (continue on fail)`, { parameters: generateParameters(), continueOnFail: true });
		expect(continuing.items[0].json.error).toBeDefined();
		expect(leaksIn(continuing)).toEqual([]);
	});

	it('a wrong key is not shown either', async () => {
		const wrongKey = `${CANARY}-wrong`;
		const result = await run('wrong key', { parameters: generateParameters(), apiKey: wrongKey });
		expect(result.error?.httpCode).toBe('401');
		expect(JSON.stringify(result)).not.toContain(wrongKey);
	});

	it('no line written to the console or n8n\'s debug log carries the key', async () => {
		const from = capturedOutput.length;
		sim.addFault({ route: 'submit', kind: 'status', status: 401, body: { message: `Invalid API key ${CANARY}`, statusCode: 401 } });
		await run('echoed key', { parameters: generateParameters(), continueOnFail: true });
		sim.reset();
		sim.addFault({ route: 'poll', kind: 'jobError', body: { error: { name: 'AuthError', message: `key ${CANARY} has no access` } } });
		await run('job error', { parameters: generateParameters(), continueOnFail: true });
		sim.reset();
		await run('success with download', { parameters: generateParameters({ runOptions: { downloadVideo: true } }) });
		const lines = capturedOutput.slice(from);
		// The capture works: n8n's debug log of these runs is in it.
		expect(lines.filter((line) => line.includes('Running node "Wan VACE Inpaint"')).length).toBeGreaterThanOrEqual(3);
		expect(lines.filter((line) => line.includes('submitted generation'))).not.toEqual([]);
		expect(lines.filter((line) => line.includes(CANARY))).toEqual([]);
	});
});

describe('redirects', () => {
	it('the download of the result never carries the Authorization header, even when redirected to another host', async () => {
		sim.addFault({ route: 'download', kind: 'redirect' });
		const result = await run('download redirect', { parameters: generateParameters({ runOptions: { downloadVideo: true } }) });
		expect(result.error).toBeUndefined();
		const downloads = sim.log.filter((entry) => entry.route === 'download');
		expect(downloads.map((entry) => entry.headers.host?.toString().split(':')[0])).toEqual(['127.0.0.1', 'localhost']);
		expect(downloads.every((entry) => entry.headers.authorization === undefined)).toBe(true);
		expect(result.items[0].binary?.data?.bytes).toBeGreaterThan(0);
	});

	it('an API call redirected to another host does not take the key along', async () => {
		sim.addFault({ route: 'poll', kind: 'redirect', times: 1 });
		await run('poll redirect', { parameters: generateParameters(), continueOnFail: true });
		const redirected = sim.log.filter((entry) => entry.route === 'poll' && entry.headers.host?.toString().startsWith('localhost'));
		expect(redirected.length).toBeGreaterThan(0);
		for (const entry of redirected) expect(JSON.stringify(entry.headers)).not.toContain(CANARY);
	});
});
