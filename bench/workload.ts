/**
 * Runs of the built node against an in-process simulator, and what they cost: wall time,
 * completion latency (simulator completeAt → node emits), and the requests behind them.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { generateParameters, runAgainst } from '../test/harness/fixtures';
import type { Simulator, SimulatorCounters } from '../test/simulator';

export interface BatchRun {
	items: number;
	wallMs: number;
	output: INodeExecutionData[];
	/** The node's error, when it failed the execution. */
	error?: string;
	/** Output items carrying an error (continue on fail) or no generation ID. */
	failedItems: number;
	/** When the node's execute() returned, i.e. emitted its items (epoch ms). */
	emittedAt: number;
	/** emittedAt − the simulator's completeAt, per output item with a generation. */
	latenciesMs: number[];
	/** Requests of this run, from the simulator's counters. */
	posts: number;
	acceptedPosts: number;
	gets: number;
	/** Status checks of each generation of this run. */
	getsPerGeneration: number[];
	/** Most generations created during this run for one of its prompts (a repeated paid submit shows as 2). */
	maxGenerationsPerPrompt: number;
}

export interface RunBatchOptions {
	items: number;
	pollSeconds: number;
	/** Numbers the prompts: prompt i is `bench clip <firstIndex + i>`, unique across a series of runs. */
	firstIndex?: number;
	/** Run Options > Max Concurrent Requests; the node's default (10) when not set. */
	maxConcurrentRequests?: number;
}

const PROMPT_PREFIX = 'bench clip ';

function counterDelta(before: SimulatorCounters, after: SimulatorCounters) {
	return { posts: after.posts - before.posts, acceptedPosts: after.acceptedPosts - before.acceptedPosts, gets: after.gets - before.gets };
}

/** One run of Wan VACE Inpaint (Generate, no download) with `items` items, one prompt each. */
export async function runBatch(sim: Simulator, options: RunBatchOptions): Promise<BatchRun> {
	const firstIndex = options.firstIndex ?? 0;
	const prompts = Array.from({ length: options.items }, (_, i) => `${PROMPT_PREFIX}${firstIndex + i}`);
	const before = sim.counters();
	const startedAt = Date.now();
	const result = await runAgainst(sim, {
		items: prompts.map((_, i) => ({ json: { index: firstIndex + i } })),
		parameters: generateParameters({
			prompt: `={{ ${JSON.stringify(PROMPT_PREFIX)} + $json.index }}`,
			runOptions: {
				pollIntervalSeconds: options.pollSeconds,
				...(options.maxConcurrentRequests ? { maxConcurrentRequests: options.maxConcurrentRequests } : {}),
			},
		}),
	});
	const after = sim.counters();
	const emitted = result.finishedAt ?? Date.now();
	const ids = result.items.map((item) => item.json.generationId).filter((id): id is string => typeof id === 'string');
	const records = ids.map((id) => sim.generations.get(id)).filter((record) => record !== undefined);
	const ownPrompts = new Set(prompts);
	const perPrompt = new Map<string, number>();
	for (const record of sim.generations.values()) {
		const prompt = String(record.body.prompt);
		if (record.createdAt >= startedAt && ownPrompts.has(prompt)) perPrompt.set(prompt, (perPrompt.get(prompt) ?? 0) + 1);
	}
	return {
		items: options.items,
		wallMs: result.durationMs,
		output: result.items,
		error: result.error?.message,
		failedItems: result.items.filter((item) => item.json.error !== undefined || typeof item.json.generationId !== 'string').length,
		emittedAt: emitted,
		latenciesMs: records.map((record) => emitted - record.completeAt),
		...counterDelta(before, after),
		getsPerGeneration: ids.map((id) => after.getsByGeneration[id] ?? 0),
		maxGenerationsPerPrompt: Math.max(0, ...perPrompt.values()),
	};
}

export interface SequentialRun {
	/** The naive approach: one single-item run after the other. */
	runs: BatchRun[];
	/** Time from the loop's start to the end of run i (so entry k−1 is the loop's wall time for k items). */
	elapsedMs: number[];
}

/** The baseline: the same node run `items` times with one item each, one after the other. */
export async function runSequential(sim: Simulator, options: RunBatchOptions): Promise<SequentialRun> {
	const firstIndex = options.firstIndex ?? 0;
	const runs: BatchRun[] = [];
	const elapsedMs: number[] = [];
	const started = Date.now();
	for (let i = 0; i < options.items; i++) {
		runs.push(await runBatch(sim, { items: 1, pollSeconds: options.pollSeconds, firstIndex: firstIndex + i }));
		elapsedMs.push(Date.now() - started);
	}
	return { runs, elapsedMs };
}

/**
 * Single-item runs whose generation ends at `phases` evenly spread points of the poll
 * cycle: generation time = baseMs + (k + 0.5) / phases × poll interval.
 */
export async function runAtPhases(
	sim: Simulator,
	options: { phases: number; baseMs: number; pollSeconds: number; firstIndex?: number },
): Promise<BatchRun[]> {
	const generationMs = sim.options.generationMs;
	const runs: BatchRun[] = [];
	try {
		for (let k = 0; k < options.phases; k++) {
			sim.options.generationMs = options.baseMs + ((k + 0.5) / options.phases) * options.pollSeconds * 1000;
			runs.push(await runBatch(sim, { items: 1, pollSeconds: options.pollSeconds, firstIndex: (options.firstIndex ?? 0) + k }));
		}
	} finally {
		sim.options.generationMs = generationMs;
	}
	return runs;
}

/** Answers `probability` of all API calls with 429 + Retry-After for one run. */
export async function runRateLimited(
	sim: Simulator,
	options: RunBatchOptions & { probability: number; retryAfterSeconds: number },
): Promise<BatchRun & { rateLimited: number; retryAfterFloorMs: number }> {
	const firstLogged = sim.log.length;
	sim.addFault({ route: 'any', kind: 'status', status: 429, retryAfter: options.retryAfterSeconds, probability: options.probability, label: RATE_LIMIT_LABEL });
	try {
		const run = await runBatch(sim, options);
		const log = sim.log.slice(firstLogged);
		return {
			...run,
			rateLimited: log.filter((entry) => entry.fault === RATE_LIMIT_LABEL).length,
			retryAfterFloorMs: retryAfterFloorMs(sim, log, options.retryAfterSeconds * 1000),
		};
	} finally {
		sim.clearFaults();
	}
}

const RATE_LIMIT_LABEL = 'bench:429';

/**
 * The earliest this run could have ended while honouring every Retry-After it got: for each
 * generation, its first POST (from the run's first request) + one Retry-After per 429 on its
 * submission + its generation time + one Retry-After per 429 on a status check after it was
 * complete; the largest of these. Request times themselves count as zero.
 */
function retryAfterFloorMs(sim: Simulator, log: Simulator['log'], retryAfterMs: number): number {
	const submits = log.filter((entry) => entry.route === 'submit');
	if (submits.length === 0) return 0;
	const runStart = submits[0].at;
	const promptOf = (entry: (typeof log)[number]) => String((entry.body as { prompt?: unknown } | undefined)?.prompt);
	let floor = 0;
	for (const entry of submits) {
		if (!entry.generationId) continue;
		const record = sim.generations.get(entry.generationId);
		if (!record) continue;
		const prompt = promptOf(entry);
		const ownSubmits = submits.filter((submit) => promptOf(submit) === prompt);
		const submit429s = ownSubmits.filter((submit) => submit.fault === RATE_LIMIT_LABEL).length;
		const late429s = log.filter(
			(logged) => logged.route === 'poll' && logged.generationId === record.id && logged.fault === RATE_LIMIT_LABEL && logged.at >= record.completeAt,
		).length;
		const itemFloor = ownSubmits[0].at - runStart + submit429s * retryAfterMs + (record.completeAt - record.createdAt) + late429s * retryAfterMs;
		floor = Math.max(floor, itemFloor);
	}
	return floor;
}
