import type { INodeParameters } from 'n8n-workflow';

import { type Simulator, type SimulatorOptions, FRAME_JPG_PATH, FRAME_PNG_PATH, MASK_VIDEO_PATH, SAMPLE_VIDEO_PATH, startSimulator } from '../simulator';
import { delay, fs } from '../support/node';
import { type RunNodeOptions, type RunNodeResult, runNode } from './engine';

export const SAMPLE_VIDEO = fs.readFileSync(SAMPLE_VIDEO_PATH);
export const MASK_VIDEO = fs.readFileSync(MASK_VIDEO_PATH);
export const FRAME_PNG = fs.readFileSync(FRAME_PNG_PATH);
export const FRAME_JPG = fs.readFileSync(FRAME_JPG_PATH);

export const VIDEO_URL = 'https://media.example.com/source.mp4';
export const MASK_URL = 'https://media.example.com/mask.mp4';

/**
 * Fast polling so tests spend their time on behaviour, not waiting. Input checks off: the
 * inputs above are on a host no test may call. Tests of the checks use checkedParameters().
 */
export const FAST_RUN_OPTIONS = { pollIntervalSeconds: 0.5, requestTimeoutSeconds: 5, checkInputs: false };

/** Parameters of a Generate run with URL inputs; override anything. */
export function generateParameters(overrides: INodeParameters = {}): INodeParameters {
	return {
		operation: 'generate',
		prompt: 'A red vintage car drives along the coast road',
		videoUrl: VIDEO_URL,
		maskUrl: MASK_URL,
		...overrides,
		runOptions: { ...FAST_RUN_OPTIONS, ...((overrides.runOptions as INodeParameters) ?? {}) },
	};
}

/** Parameters of a Generate run with input checks on, its inputs served by the simulator's input host. */
export function checkedParameters(sim: Simulator, overrides: INodeParameters = {}): INodeParameters {
	const parameters = generateParameters({ videoUrl: sim.inputUrl('sample.mp4'), maskUrl: sim.inputUrl('mask.mp4'), ...overrides });
	return { ...parameters, runOptions: { ...(parameters.runOptions as INodeParameters), checkInputs: true, ...((overrides.runOptions as INodeParameters) ?? {}) } };
}

/** Runs the node against `sim` with its credential. */
export async function runAgainst(sim: Simulator, options: Omit<RunNodeOptions, 'credentials'> & { apiKey?: string }): Promise<RunNodeResult> {
	return await runNode({ ...options, credentials: { apiKey: options.apiKey ?? sim.apiKey, baseUrl: sim.baseUrl } });
}

/** One simulator for a test file: started before all tests, reset before each. */
export function useSimulator(options: SimulatorOptions = {}): () => Simulator {
	let sim: Simulator | undefined;
	let initialOptions: SimulatorOptions = {};
	beforeAll(async () => {
		sim = await startSimulator({ generationMs: 300, ...options });
		initialOptions = { ...sim.options };
	});
	afterEach(() => {
		// Every POST the node sent carries a client request id the API keeps (an invalid one is dropped silently).
		expect(untracedSubmits(sim as Simulator)).toEqual([]);
	});
	beforeEach(() => {
		sim?.reset();
		Object.assign(sim!.options, initialOptions);
	});
	afterAll(async () => {
		await sim?.close();
	});
	return () => sim as Simulator;
}

export const CLIENT_REQUEST_ID_FORMAT = /^n8n:[A-Za-z0-9._-]+:[A-Za-z0-9._-]+:[0-9a-f]{8}:\d+:\d+$/;

/** Submissions whose X-Client-Request-Id is missing, not in the header's alphabet, too long, or not the node's format. */
export function untracedSubmits(sim: Simulator): Array<{ at: number; clientRequestId: unknown }> {
	return sim.log
		.filter((entry) => entry.route === 'submit')
		.map((entry) => ({ at: entry.at, clientRequestId: entry.headers['x-client-request-id'] }))
		.filter(({ clientRequestId }) => typeof clientRequestId !== 'string' || clientRequestId.length > 128 || !CLIENT_REQUEST_ID_FORMAT.test(clientRequestId));
}

export const submits = (sim: Simulator) => sim.log.filter((entry) => entry.route === 'submit');
export const polls = (sim: Simulator) => sim.log.filter((entry) => entry.route === 'poll');
export const downloads = (sim: Simulator) => sim.log.filter((entry) => entry.route === 'download');

/** The most requests of `entries` that were open at the same moment (from arrival to close). */
export function maxOpenAtOnce(entries: Array<{ at: number; closedAt?: number }>): number {
	return Math.max(0, ...entries.map((entry) => entries.filter((other) => other.at <= entry.at && entry.at < (other.closedAt ?? Infinity)).length));
}

/**
 * Waits until the simulator's log stops growing and every request in it has ended, then
 * returns its length. The simulator runs in the test's own process, so a request the node
 * sent just before a cancel may be handled a little after the run returned.
 */
export async function quietLogLength(sim: Simulator, pollMs = 100): Promise<number> {
	let last = -1;
	while (sim.log.length !== last || sim.log.some((entry) => entry.closedAt === undefined)) {
		last = sim.log.length;
		await delay(pollMs);
	}
	return last;
}
