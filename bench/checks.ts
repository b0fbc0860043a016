/** Section 6: what Check Inputs costs, beside the same runs with the checks off (issue 11). */
import { checkedParameters, runAgainst, submits } from '../test/harness/fixtures';
import { type Simulator, startSimulator } from '../test/simulator';
import type { BenchConfig } from './config';
import { type Row, type Section, count, formatValue, ms, ratio } from './report';
import type { Progress } from './sections';

const KiB = 1024;
const BYTES_PER_INPUT_LIMIT = 256 * KiB;
/** Slack over the expected round trips: n8n's engine, the probe, a loaded 2-core machine. */
const SLACK_MS = 250;

interface SubmitRun {
	wallMs: number;
	/** Execution start → the first POST reaching the API. */
	firstPostMs: number;
	inputRequests: number;
	posts: number;
	error?: string;
}

/** Submit (no waiting) of `items` items, each with its own video and all with one shared mask, served `rttMs` late. */
async function submitRun(sim: Simulator, options: { items: number; checkInputs: boolean; rttMs: number; maxConcurrentRequests: number; tag: string }): Promise<SubmitRun> {
	sim.reset();
	const video = sim.inputUrl(`sample.mp4?delayMs=${options.rttMs}&run=${options.tag}&clip=`);
	const started = Date.now();
	const result = await runAgainst(sim, {
		items: Array.from({ length: options.items }, (_, i) => ({ json: { i } })),
		parameters: {
			...checkedParameters(sim, {
				videoUrl: `={{ ${JSON.stringify(video)} + $json.i }}`,
				maskUrl: sim.inputUrl(`mask.mp4?delayMs=${options.rttMs}&run=${options.tag}`),
				runOptions: { checkInputs: options.checkInputs, maxConcurrentRequests: options.maxConcurrentRequests },
			}),
			operation: 'submit',
		},
	});
	const posts = submits(sim);
	return {
		wallMs: result.durationMs,
		firstPostMs: posts.length ? Math.min(...posts.map((entry) => entry.at)) - started : NaN,
		inputRequests: sim.inputLog.length,
		posts: posts.length,
		error: result.error?.message,
	};
}

async function bytesRead(sim: Simulator, name: string): Promise<{ bytes: number; requests: number; ok: boolean }> {
	sim.reset();
	const result = await runAgainst(sim, { parameters: { ...checkedParameters(sim, { videoUrl: sim.inputUrl(name) }), operation: 'submit' } });
	const own = sim.inputLog.filter((entry) => entry.path.startsWith(new URL(sim.inputUrl(name)).pathname));
	return { bytes: own.reduce((sum, entry) => sum + entry.bytesSent, 0), requests: own.length, ok: result.error === undefined };
}

const kib = (bytes: number) => count(bytes / KiB, `${(bytes / KiB).toFixed(1)} KiB`);

export async function checksSection(config: BenchConfig, progress: Progress): Promise<Section> {
	const rttMs = config.mode === 'quick' ? 50 : 100;
	const sim = await startSimulator({ generationMs: config.generationMs });
	const seconds = (valueMs: number) => formatValue(valueMs, 'ms');
	try {
		const rows: Row[] = [];
		await submitRun(sim, { items: 1, checkInputs: true, rttMs, maxConcurrentRequests: 10, tag: 'warm-up' });
		for (const [items, maxConcurrentRequests] of [[1, 10], [50, 10], [50, 50]] as const) {
			progress(`checks: Submit with ${items} item(s), Max Concurrent Requests ${maxConcurrentRequests}, checks on and off`);
			const on = await submitRun(sim, { items, checkInputs: true, rttMs, maxConcurrentRequests, tag: `on-${items}-${maxConcurrentRequests}` });
			const off = await submitRun(sim, { items, checkInputs: false, rttMs, maxConcurrentRequests, tag: `off-${items}-${maxConcurrentRequests}` });
			const urls = items + 1;
			const roundTrips = Math.ceil(urls / maxConcurrentRequests);
			const limit = roundTrips * rttMs + SLACK_MS;
			const extra = on.wallMs - off.wallMs;
			const label = `N=${items}, Max Concurrent Requests ${maxConcurrentRequests}`;
			rows.push({
				measurement: `Submit wall time, ${label}`,
				ours: ms(on.wallMs),
				baseline: ms(off.wallMs),
				ratio: ratio(on.wallMs, off.wallMs, 'on/off'),
				target: `extra ≤ ${seconds(limit)} (${roundTrips} round trip${roundTrips > 1 ? 's' : ''} + ${SLACK_MS} ms)`,
				pass: on.error === undefined && off.error === undefined && on.posts === items && off.posts === items && extra <= limit,
			});
			rows.push({ measurement: '  extra wall time with checks', ours: ms(extra), baseline: ms(rttMs, `RTT ${rttMs} ms`), ratio: ratio(extra, rttMs, 'extra/RTT') });
			rows.push({ measurement: '  start → first POST', ours: ms(on.firstPostMs), baseline: ms(off.firstPostMs) });
			rows.push({
				measurement: '  input requests (each URL once)',
				ours: count(on.inputRequests),
				baseline: count(off.inputRequests),
				target: `${urls}`,
				pass: on.inputRequests === urls && off.inputRequests === 0,
			});
		}
		for (const [name, label, limit] of [
			['large-faststart.mp4?bytes=1073741824', 'fast-start MP4, 1 GiB', BYTES_PER_INPUT_LIMIT],
			['large-faststart.mp4?bytes=10485760', 'fast-start MP4, 10 MiB', BYTES_PER_INPUT_LIMIT],
			['large-moov-last.mp4?bytes=1073741824', 'MP4 with moov at the end, 1 GiB', undefined],
			['sample.webm', 'WebM (2.6 KiB fixture)', undefined],
		] as const) {
			progress(`checks: bytes read of a ${label}`);
			const read = await bytesRead(sim, name);
			rows.push({
				measurement: `Bytes read, ${label}`,
				ours: kib(read.bytes),
				baseline: count(read.requests, `${read.requests} request${read.requests > 1 ? 's' : ''}`),
				...(limit ? { target: `< ${limit / KiB} KiB`, pass: read.ok && read.bytes < limit } : {}),
			});
		}
		return {
			title: `6. Check Inputs: cost beside the same runs with the checks off (input host answering ${rttMs} ms late)`,
			notes: [
				`Submit operation (no waiting for generations), so the wall time is preparation + submission. Each item has its own video URL; all share one mask URL. The simulator's input host waits ${rttMs} ms before answering each request: a stand-in for a remote host's round trip.`,
				'Target: the checks add about one round trip per wave of Max Concurrent Requests input requests (N+1 URLs), plus slack; with Max Concurrent Requests ≥ N+1 that is one round trip for the whole batch.',
				'Bytes read: body bytes the input host wrote for that input (a ranged GET of 64 KiB; with the moov at the end, one more ranged read of the tail). "Baseline" column: the number of requests.',
			],
			rows,
		};
	} finally {
		await sim.close();
	}
}
