/**
 * `npm run bench` in miniature (N=5, T=0.5 s, a 20 MiB download): checks that every
 * measurement runs and counts what it should. Never asserts on time or memory figures.
 */
import { MiB, QUICK, type BenchConfig } from '../../bench/config';
import { measureDownloadMemory, startSimulatorProcess } from '../../bench/memory';
import { formatTable } from '../../bench/report';
import { checksSection } from '../../bench/checks';
import { batchSection, rateLimitSection } from '../../bench/sections';
import { runAtPhases, runBatch, runRateLimited, runSequential } from '../../bench/workload';
import { type Simulator, startSimulator } from '../simulator';

const POLL_SECONDS = 0.5;

const TINY: BenchConfig = {
	...QUICK,
	pollSeconds: POLL_SECONDS,
	generationMs: 500,
	batchSize: 3,
	batchSizes: [1, 3],
	latencyPhases: 2,
	latencyGenerationMs: 500,
	downloadSizes: [20 * MiB],
};

describe('bench workload against the in-process simulator', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startSimulator({ generationMs: 500 });
	});
	beforeEach(() => sim.reset());
	afterAll(async () => {
		await sim.close();
	});

	it('a batch: N items in, N out, one paid POST per item', async () => {
		const run = await runBatch(sim, { items: 5, pollSeconds: POLL_SECONDS });
		expect(run.error).toBeUndefined();
		expect(run.output).toHaveLength(5);
		expect(run.failedItems).toBe(0);
		expect({ posts: run.posts, acceptedPosts: run.acceptedPosts }).toEqual({ posts: 5, acceptedPosts: 5 });
		expect(run.maxGenerationsPerPrompt).toBe(1);
		expect(new Set(run.output.map((item) => item.json.generationId)).size).toBe(5);
		expect(run.getsPerGeneration).toHaveLength(5);
		expect(run.getsPerGeneration.every((gets) => gets >= 1)).toBe(true);
		expect(run.gets).toBe(run.getsPerGeneration.reduce((sum, gets) => sum + gets, 0));
		expect(run.latenciesMs).toHaveLength(5);
		expect(run.latenciesMs.every((latency) => latency >= 0)).toBe(true);
	});

	it('the sequential baseline: one single-item run after the other', async () => {
		const loop = await runSequential(sim, { items: 3, pollSeconds: POLL_SECONDS, firstIndex: 100 });
		expect(loop.runs).toHaveLength(3);
		expect(loop.runs.map((run) => [run.output.length, run.posts, run.acceptedPosts, run.failedItems])).toEqual([
			[1, 1, 1, 0],
			[1, 1, 1, 0],
			[1, 1, 1, 0],
		]);
		expect([...loop.elapsedMs].sort((a, b) => a - b)).toEqual(loop.elapsedMs);
		expect(sim.counters().acceptedPosts).toBe(3);
	});

	it('latency runs at spread phases, leaving the generation time as it was', async () => {
		const runs = await runAtPhases(sim, { phases: 2, baseMs: 300, pollSeconds: POLL_SECONDS });
		expect(runs.map((run) => run.output.length)).toEqual([1, 1]);
		const durations = [...sim.generations.values()].map((record) => record.completeAt - record.createdAt);
		// baseMs + (k + 0.5) / phases × poll interval
		expect(durations).toEqual([425, 675]);
		expect(sim.options.generationMs).toBe(500);
	});

	it('under 429s every item finishes and no POST is repeated', async () => {
		const run = await runRateLimited(sim, { items: 5, pollSeconds: POLL_SECONDS, probability: 0.3, retryAfterSeconds: 1 });
		expect(run.rateLimited).toBeGreaterThan(0);
		expect(run.error).toBeUndefined();
		expect(run.output).toHaveLength(5);
		expect(run.failedItems).toBe(0);
		expect(run.acceptedPosts).toBe(5);
		expect(run.posts).toBeGreaterThanOrEqual(5);
		expect(run.maxGenerationsPerPrompt).toBe(1);
		expect(sim.faults()).toHaveLength(0);
		// Honouring every Retry-After, the run cannot end before its floor.
		expect(run.retryAfterFloorMs).toBeGreaterThan(0);
		expect(run.wallMs).toBeGreaterThanOrEqual(run.retryAfterFloorMs);
	});

	it('the batch and rate-limit sections give a verdict on every row with a target', async () => {
		const sections = [await batchSection(TINY, () => undefined), await rateLimitSection(TINY, () => undefined)];
		const rows = sections.flatMap((section) => section.rows);
		expect(rows.every((row) => row.baseline !== undefined)).toBe(true);
		const targeted = rows.filter((row) => row.target !== undefined);
		expect(targeted.length).toBeGreaterThan(8);
		expect(targeted.every((row) => typeof row.pass === 'boolean')).toBe(true);
		expect(sections[1].notes.join('\n')).not.toContain('WARNING');
		const correctness = rows.filter((row) => /POSTs per generation|Items finished|Generations created/.test(row.measurement));
		expect(correctness).toHaveLength(3);
		expect(correctness.every((row) => row.pass)).toBe(true);
		const table = formatTable(sections);
		for (const row of rows) expect(table).toContain(row.measurement);
	});
});

describe('bench cost of Check Inputs', () => {
	it('fetches each input URL once and reads a fast-start MP4 by its first 64 KiB, whatever its size', async () => {
		const section = await checksSection(TINY, () => undefined);
		const rows = new Map(section.rows.map((row) => [row.measurement.trim(), row]));
		const requests = section.rows.filter((row) => row.measurement.includes('input requests'));
		expect(requests.map((row) => row.ours.value)).toEqual([2, 51, 51]);
		expect(requests.every((row) => row.pass)).toBe(true);
		expect(rows.get('Bytes read, fast-start MP4, 1 GiB')?.ours.value).toBe(64);
		expect(rows.get('Bytes read, MP4 with moov at the end, 1 GiB')?.baseline?.value).toBe(2);
		expect(section.rows.filter((row) => row.measurement.startsWith('Submit wall time')).every((row) => typeof row.pass === 'boolean')).toBe(true);
	});
});

describe('bench memory measurement (separate processes)', () => {
	it('streams a 20 MiB result into binary data; the baselines buffer it, or pipe it to a file without n8n', async () => {
		const sim = await startSimulatorProcess();
		try {
			const ours = await measureDownloadMemory(sim, { mode: 'streaming', bytes: 20 * MiB });
			expect(ours.storedBytes).toBe(20 * MiB);
			// The warm-up run and the measured run: one generation each, one download.
			expect(ours.counters).toMatchObject({ posts: 2, acceptedPosts: 2, downloads: 1 });
			expect(ours.samples).toBeGreaterThan(0);

			const baseline = await measureDownloadMemory(sim, { mode: 'buffering', bytes: 20 * MiB });
			expect(baseline.storedBytes).toBe(20 * MiB);
			expect(baseline.counters).toMatchObject({ posts: 1, acceptedPosts: 1, downloads: 1 });

			const plain = await measureDownloadMemory(sim, { mode: 'plain', bytes: 20 * MiB });
			expect(plain.storedBytes).toBe(20 * MiB);
			expect(plain.counters).toMatchObject({ posts: 1, acceptedPosts: 1, downloads: 1 });
		} finally {
			await sim.stop();
		}
	});
});
