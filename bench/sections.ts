/** The measurements of issue 4, each a table section: what ran, against which baseline, and the verdicts. */
import { type Simulator, startSimulator } from '../test/simulator';
import { type BenchConfig, NODE_DEFAULT_MAX_CONCURRENT_REQUESTS, getsPerGenerationLimit, latencyLimitMs, pollMs, wallTimeLimitMs } from './config';
import { type DownloadMode, type MemoryMeasurement, measureDownloadMemory, startSimulatorProcess } from './memory';
import { type Row, type Section, bytes, count, formatValue, median, ms, ratio } from './report';
import { type BatchRun, type SequentialRun, runAtPhases, runBatch, runRateLimited, runSequential } from './workload';

export type Progress = (message: string) => void;

const seconds = (valueMs: number) => formatValue(valueMs, 'ms');

/** Every item came out, each with its own generation and no error. */
const complete = (run: BatchRun): boolean => run.error === undefined && run.failedItems === 0 && run.output.length === run.items;

/** The last generation to finish → the node emitting the batch. */
const lastItemLatency = (run: BatchRun): number => Math.min(...run.latenciesMs);

function wallTimeRows(config: BenchConfig, ours: Map<number, BatchRun>, loop: SequentialRun): Row[] {
	const limit = wallTimeLimitMs(config);
	const loopPerItem = loop.elapsedMs[loop.elapsedMs.length - 1] / loop.runs.length;
	return [...ours].map(([items, run]) => {
		const measured = items <= loop.elapsedMs.length;
		const baseline = measured ? loop.elapsedMs[items - 1] : loopPerItem * items;
		const speedup = baseline / run.wallMs;
		const compared = items === config.batchSize;
		return {
			measurement: `Batch wall time, N=${items}`,
			ours: ms(run.wallMs),
			baseline: { ...ms(baseline), extrapolated: !measured },
			ratio: ratio(baseline, run.wallMs, 'loop/ours'),
			target: `≤ ${seconds(limit)}${compared ? `, ≥ ${config.speedupTarget}×` : ''}`,
			pass: complete(run) && run.wallMs <= limit && (!compared || speedup >= config.speedupTarget),
		};
	});
}

function latencyRows(config: BenchConfig, ours: Map<number, BatchRun>, loop: SequentialRun, phased: BatchRun[]): Row[] {
	const limit = latencyLimitMs(config);
	const target = `≤ ${seconds(limit)}`;
	const single = phased.flatMap((run) => run.latenciesMs);
	const row = (measurement: string, value: number, baseline: number, of: string): Row => ({
		measurement,
		ours: ms(value),
		baseline: ms(baseline),
		ratio: ratio(baseline, value, of),
		target,
		pass: value <= limit,
	});
	const lastLoopRun = loop.runs[loop.runs.length - 1];
	return [
		row(`Completion latency, 1 item, median of ${phased.length} phases`, median(single), pollMs(config) / 2, 'model/ours'),
		row(`Completion latency, 1 item, max of ${phased.length} phases`, Math.max(...single), pollMs(config), 'model/ours'),
		...[...ours]
			.filter(([items]) => items > 1)
			.map(([items, run]) => row(`Completion latency, last item of N=${items}`, lastItemLatency(run), lastItemLatency(lastLoopRun), 'loop/ours')),
	];
}

function requestRows(config: BenchConfig, run: BatchRun, loop: SequentialRun): Row[] {
	const loopPosts = loop.runs.reduce((sum, each) => sum + each.posts, 0);
	const loopAccepted = loop.runs.reduce((sum, each) => sum + each.acceptedPosts, 0);
	const loopGets = loop.runs.flatMap((each) => each.getsPerGeneration);
	const gets = run.getsPerGeneration;
	const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
	const limit = getsPerGenerationLimit(config);
	return [
		{
			measurement: `POSTs per generation, N=${run.items}`,
			ours: count(run.posts / run.items, `${(run.posts / run.items).toFixed(2)} (${run.posts} sent, ${run.acceptedPosts} created)`),
			baseline: count(loopPosts / loop.runs.length, `${(loopPosts / loop.runs.length).toFixed(2)} (${loopPosts} sent, ${loopAccepted} created)`),
			ratio: ratio(loopPosts, run.posts, 'loop/ours'),
			target: 'exactly 1',
			pass: run.posts === run.items && run.acceptedPosts === run.items && run.maxGenerationsPerPrompt === 1,
		},
		{
			measurement: `GETs per generation, N=${run.items}, max (mean)`,
			ours: count(Math.max(...gets), `${Math.max(...gets)} (${mean(gets).toFixed(2)})`),
			baseline: count(Math.max(...loopGets), `${Math.max(...loopGets)} (${mean(loopGets).toFixed(2)})`),
			ratio: ratio(Math.max(...loopGets), Math.max(...gets), 'loop/ours'),
			target: `≤ ${limit}`,
			pass: Math.max(...gets) <= limit,
		},
	];
}

/** 1–3: batch wall time, completion latency and requests, against the sequential single-item loop. */
export async function batchSection(config: BenchConfig, progress: Progress): Promise<Section> {
	const pollSeconds = config.pollSeconds;
	const sim = await startSimulator({ generationMs: config.generationMs });
	try {
		progress('warm-up run (not counted)');
		await runBatch(sim, { items: 1, pollSeconds, firstIndex: -1 });
		const ours = new Map<number, BatchRun>();
		let firstIndex = 0;
		const sizes = [...new Set([...config.batchSizes, config.batchSize])].sort((a, b) => a - b);
		for (const items of sizes) {
			progress(`ours: one run with ${items} item(s)`);
			ours.set(items, await runBatch(sim, { items, pollSeconds, firstIndex }));
			firstIndex += items;
		}
		progress(`baseline: ${config.batchSize} single-item runs, one after the other (~${seconds(config.batchSize * config.generationMs)})`);
		const loop = await runSequential(sim, { items: config.batchSize, pollSeconds, firstIndex });
		firstIndex += config.batchSize;
		progress(`latency: ${config.latencyPhases} single-item runs at spread phases of the poll cycle`);
		const phased = await runAtPhases(sim, { phases: config.latencyPhases, baseMs: config.latencyGenerationMs, pollSeconds, firstIndex });
		const extrapolated = sizes.filter((items) => items > config.batchSize);
		return {
			title: `1-3. Batch: ${config.batchSize} items vs a sequential loop (T = ${seconds(config.generationMs)} per generation, poll interval ${seconds(pollMs(config))})`,
			notes: [
				`Baseline "loop": the same node run once per item with one item, one after the other, same poll interval; its figure for N items is the loop's elapsed time after N runs.`,
				...(extrapolated.length ? [`~ = extrapolated for N=${extrapolated.join(', ')} from the loop's measured time per item.`] : []),
				`Completion latency: simulator completeAt → the node emitting its items (end of its task in n8n). The 1-item runs end at ${config.latencyPhases} evenly spread phases of the poll cycle (T = ${seconds(config.latencyGenerationMs)} + phase); their baseline "model" is plain interval polling: P/2 typical, P at worst. Last item of a batch: its baseline is the loop's last run.`,
			],
			rows: [...wallTimeRows(config, ours, loop), ...latencyRows(config, ours, loop, phased), ...requestRows(config, ours.get(config.batchSize) as BatchRun, loop)],
		};
	} finally {
		await sim.close();
	}
}

/** A rate-limited run's wall time beside the no-fault run's; with the slowdown target when `checked`. */
function slowdownRow(measurement: string, limited: BatchRun, clean: BatchRun, config: BenchConfig, checked: boolean): Row {
	return {
		measurement,
		ours: ms(limited.wallMs),
		baseline: ms(clean.wallMs),
		ratio: ratio(limited.wallMs, clean.wallMs, 'limited/no-fault'),
		...(checked
			? {
					target: `≤ ${config.rateLimitSlowdownLimit}× no-fault`,
					pass: complete(limited) && limited.wallMs <= config.rateLimitSlowdownLimit * clean.wallMs,
				}
			: {}),
	};
}

/** The variant run of section 5: every submission has its own slot, so none waits behind another one's Retry-After. */
async function rateLimitedUnqueued(sim: Simulator, config: BenchConfig, progress: Progress): Promise<{ run: BatchRun; note: string } | undefined> {
	const { probability, retryAfterSeconds } = config.rateLimit;
	const items = config.batchSize;
	// At or under the node's default it would be the main run again.
	if (items <= NODE_DEFAULT_MAX_CONCURRENT_REQUESTS) return undefined;
	progress(`rate limits: the same with Max Concurrent Requests = ${items}`);
	const run = await runRateLimited(sim, { items, pollSeconds: config.pollSeconds, probability, retryAfterSeconds, maxConcurrentRequests: items, firstIndex: items });
	return {
		run,
		note: `"same, Max Concurrent Requests = ${items}": every item has its own request slot (${run.rateLimited} answers 429, the RNG continuing); informational.`,
	};
}

/** Section 5 again at a longer T: the same slowdown target, with clean and limited runs at that T. */
async function rateLimitedAtLongerT(sim: Simulator, config: BenchConfig, progress: Progress): Promise<{ rows: Row[]; note: string; runs: BatchRun[] } | undefined> {
	const { probability, retryAfterSeconds, longerGenerationMs } = config.rateLimit;
	if (!longerGenerationMs) return undefined;
	const items = config.batchSize;
	const generationMs = sim.options.generationMs;
	sim.options.generationMs = longerGenerationMs;
	try {
		progress(`rate limits at T = ${seconds(longerGenerationMs)}: ${items} items without faults, then with`);
		const clean = await runBatch(sim, { items, pollSeconds: config.pollSeconds, firstIndex: 2 * items });
		const limited = await runRateLimited(sim, { items, pollSeconds: config.pollSeconds, probability, retryAfterSeconds, firstIndex: 3 * items });
		return {
			rows: [slowdownRow(`  same at T = ${seconds(longerGenerationMs)}`, limited, clean, config, true)],
			note: `"same at T = ${seconds(longerGenerationMs)}": clean and rate-limited runs repeated with longer generations (${limited.rateLimited} answers 429; Retry-After floor ${seconds(limited.retryAfterFloorMs)}). Real generations take minutes, so this is closer to what a user sees.`,
			runs: [clean, limited],
		};
	} finally {
		sim.options.generationMs = generationMs;
	}
}

/** 5: the batch under rate limiting: 429 + Retry-After for a seeded share of all API calls. */
export async function rateLimitSection(config: BenchConfig, progress: Progress): Promise<Section> {
	const { probability, retryAfterSeconds, seed } = config.rateLimit;
	const items = config.batchSize;
	const sim = await startSimulator({ generationMs: config.generationMs, seed });
	try {
		progress(`rate limits: ${items} items without faults`);
		const clean = await runBatch(sim, { items, pollSeconds: config.pollSeconds });
		sim.reset();
		progress(`rate limits: ${items} items, ${probability * 100}% of calls answered 429`);
		const limited = await runRateLimited(sim, { items, pollSeconds: config.pollSeconds, probability, retryAfterSeconds });
		const unqueued = await rateLimitedUnqueued(sim, config, progress);
		const longer = await rateLimitedAtLongerT(sim, config, progress);
		const finished = (run: BatchRun) => `${run.output.length - run.failedItems}/${items}`;
		const faulty = [limited, ...(unqueued ? [unqueued.run] : []), ...(longer?.runs ?? [])].filter(
			(run) => !complete(run) || run.acceptedPosts !== items || run.maxGenerationsPerPrompt !== 1,
		);
		return {
			title: `5. Rate limits: ${probability * 100}% of API calls answered 429, Retry-After ${retryAfterSeconds} s (seed ${seed}), N=${items}`,
			notes: [
				`Baseline: the same ${items}-item run without faults, just before. ${limited.rateLimited} answers were 429.`,
				`Retry-After floor: the earliest the run could end while waiting out every Retry-After it was sent (per generation: its first POST + ${retryAfterSeconds} s per 429 on its submission + T + ${retryAfterSeconds} s per 429 on a status check after completion; the largest). With T = ${seconds(config.generationMs)} a few 429s in a row on one item (probability ${probability} each) outweigh T, so the 2× target depends on the seed's luck more than on the node; the floor ratio shows what the node adds.`,
				...(unqueued ? [unqueued.note] : []),
				...(longer ? [longer.note] : []),
				...faulty.map(
					(run) => `WARNING: a rate-limited run lost items or repeated a POST: ${finished(run)} finished, ${run.acceptedPosts} generations created${run.error ? `; ${run.error}` : ''}`,
				),
			],
			rows: [
				slowdownRow(`Wall time, N=${items}, rate limited`, limited, clean, config, true),
				{
					measurement: '  vs. its Retry-After floor',
					ours: ms(limited.wallMs),
					baseline: ms(limited.retryAfterFloorMs),
					ratio: ratio(limited.wallMs, limited.retryAfterFloorMs, 'ours/floor'),
				},
				...(unqueued ? [slowdownRow(`  same, Max Concurrent Requests = ${items}`, unqueued.run, clean, config, false)] : []),
				...(longer?.rows ?? []),
				{
					measurement: 'Items finished',
					ours: count(limited.output.length - limited.failedItems, finished(limited)),
					baseline: count(clean.output.length - clean.failedItems, finished(clean)),
					target: 'all',
					pass: complete(limited),
				},
				{
					measurement: 'Generations created (POSTs sent)',
					ours: count(limited.acceptedPosts, `${limited.acceptedPosts} (${limited.posts} sent)`),
					baseline: count(clean.acceptedPosts, `${clean.acceptedPosts} (${clean.posts} sent)`),
					target: `${items}, ≤ 1 per prompt`,
					pass: limited.acceptedPosts === items && limited.maxGenerationsPerPrompt === 1,
				},
			],
		};
	} finally {
		await sim.close();
	}
}

interface SizeMeasurement {
	size: number;
	ours: MemoryMeasurement;
	baseline: MemoryMeasurement;
}

/** How much more memory each extra MiB of file costs: about 0 when streamed, 1 or more when buffered. */
function growthSlopeRow(small: SizeMeasurement, large: SizeMeasurement): Row {
	const slope = (pick: (entry: SizeMeasurement) => MemoryMeasurement) => (pick(large).growthBytes - pick(small).growthBytes) / (large.size - small.size);
	const figure = (value: number) => count(value, `${value.toFixed(2)} MiB/MiB`);
	return {
		measurement: `RSS growth per extra MiB, ${formatValue(small.size, 'bytes')} → ${formatValue(large.size, 'bytes')}`,
		ours: figure(slope((entry) => entry.ours)),
		baseline: figure(slope((entry) => entry.baseline)),
	};
}

/** 4: peak RSS growth while a large result is downloaded into binary data, streamed vs buffered. */
export async function memorySection(config: BenchConfig, progress: Progress): Promise<Section> {
	const sim = await startSimulatorProcess();
	const measure = async (mode: DownloadMode, size: number): Promise<MemoryMeasurement> => {
		progress(`memory: ${mode} download of ${formatValue(size, 'bytes')} in a fresh process`);
		return await measureDownloadMemory(sim, { mode, bytes: size });
	};
	try {
		const rows: Row[] = [];
		const timings: string[] = [];
		const measured: SizeMeasurement[] = [];
		for (const size of config.downloadSizes) {
			const ours = await measure('streaming', size);
			const baseline = await measure('buffering', size);
			const plain = await measure('plain', size);
			measured.push({ size, ours, baseline });
			const stored = ours.storedBytes === size && baseline.storedBytes === size;
			rows.push({
				measurement: `Peak RSS growth, ${formatValue(size, 'bytes')} download`,
				ours: bytes(ours.growthBytes),
				baseline: bytes(baseline.growthBytes),
				ratio: ratio(baseline.growthBytes, ours.growthBytes, 'buffered/ours'),
				target: `< ${formatValue(config.memoryLimitBytes, 'bytes')}`,
				pass: stored && ours.counters.downloads === 1 && ours.growthBytes < config.memoryLimitBytes,
			});
			rows.push({
				measurement: '  peak ArrayBuffers (live or awaiting GC)',
				ours: bytes(ours.arrayBuffersGrowthBytes),
				baseline: bytes(baseline.arrayBuffersGrowthBytes),
			});
			rows.push({
				measurement: '  vs. plain Node: pipeline(http.get → file)',
				ours: bytes(ours.growthBytes),
				baseline: bytes(plain.growthBytes),
				ratio: ratio(ours.growthBytes, plain.growthBytes, 'ours/plain'),
			});
			timings.push(
				`${formatValue(size, 'bytes')}: ours ${seconds(ours.durationMs)} (RSS ${formatValue(ours.rssBeforeBytes, 'bytes')} before), buffered ${seconds(baseline.durationMs)}${stored ? '' : `; STORED SIZE WRONG: ours ${ours.storedBytes}, buffered ${baseline.storedBytes}`}`,
			);
		}
		if (measured.length > 1) rows.push(growthSlopeRow(measured[0], measured[measured.length - 1]));
		return {
			title: '4. Memory: downloading a result into binary data (filesystem mode)',
			notes: [
				'Ours: Generate with Download Video (streamed into the binary store). Baseline "buffered": a node that fetches the same URL with encoding arraybuffer and calls prepareBinaryData(buffer).',
				'Each figure: a fresh child process, warmed up by one run without download; peak of RSS sampled every 5 ms and the kernel maxRSS, minus RSS before. The simulator serves the file from its own process.',
				'Peak ArrayBuffers: highest growth of process.memoryUsage().arrayBuffers. Streamed, these are received chunks already written to disk and not yet garbage-collected; buffered, the file itself.',
				'Plain Node: the same download with no n8n and no node at all, http.get piped into a file with stream.pipeline, measured the same way: the floor any streaming download has in this runtime (V8 collects spent chunks only after tens of MiB of them).',
				`Run times: ${timings.join('; ')}.`,
			],
			rows,
		};
	} finally {
		await sim.stop();
	}
}
