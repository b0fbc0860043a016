/**
 * Section 6: n8n 2.41.1 in queue mode (test/e2e/n8n/queue.ts: PostgreSQL, Redis, main and
 * workers) against the simulator: wall time of N Generate jobs on 1 and on 2 workers and of N
 * calls of the durable example, and a worker's peak RSS while Generate downloads a large
 * result into binary data, in the database (queue mode's default) and on the filesystem.
 */
import { EXAMPLE_FILES, exampleCredential, loadExample, workflowNodes } from '../test/e2e/examples';
import { startCallbackReceiver } from '../test/e2e/callbackReceiver';
import { ensureN8n, packPackage, startQueueCluster, type QueueCluster, type QueueWorker } from '../test/e2e/n8n';
import { callConcurrently, existing, generateWorkflow, untilNew } from '../test/e2e/queue-workloads';
import { type Simulator, startSimulator } from '../test/simulator';
import { fsp, path } from '../test/support/node';
import type { BenchConfig } from './config';
import { type Row, type Section, bytes, count, formatValue, ms, ratio } from './report';
import type { Progress } from './sections';

const DURABLE_WAIT_MS = 70_000;
const RUN_TIMEOUT_MS = 15 * 60_000;

/** Calls the Generate webhook `jobs` times; the wall time until every execution succeeded. */
async function generateJobs(cluster: QueueCluster, sim: Simulator, workflowId: string, webhookPath: string, jobs: number, label: string) {
	sim.reset();
	const before = await existing(cluster.server, workflowId);
	const started = Date.now();
	await callConcurrently(jobs, async (index) => {
		await cluster.server.callWebhook(webhookPath, { body: { prompt: `bench ${label} ${index}` } });
	});
	const runs = await untilNew(cluster.server, workflowId, before, jobs, (status) => status !== 'running' && status !== 'new' && status !== 'waiting', RUN_TIMEOUT_MS);
	return { wallMs: Date.now() - started, succeeded: runs.filter((run) => run.status === 'success').length, posts: sim.counters().posts };
}

/** A fresh worker (its own peak RSS), the only one running: one Generate job with a `size`-byte download. */
async function peakRssOfDownload(cluster: QueueCluster, sim: Simulator, workflowId: string, webhookPath: string, env: Record<string, string>) {
	for (const worker of cluster.workers) if (!worker.exited) await worker.stop();
	const worker: QueueWorker = await cluster.addWorker(env);
	const idleBytes = worker.peakRssBytes() ?? 0;
	const run = await generateJobs(cluster, sim, workflowId, webhookPath, 1, 'download');
	return { idleBytes, peakBytes: worker.peakRssBytes() ?? 0, ...run };
}

export async function queueSection(config: BenchConfig, progress: Progress): Promise<Section> {
	const { jobs, generationMs, downloadBytes } = config.queue;
	progress('queue: installing n8n if needed, packing the node');
	await ensureN8n();
	const tarball = await packPackage();
	const sim = await startSimulator({ generationMs });
	const receiver = await startCallbackReceiver();
	let cluster: QueueCluster | undefined;
	try {
		progress('queue: starting PostgreSQL, Redis, n8n main and 2 workers');
		const bootStarted = Date.now();
		cluster = await startQueueCluster({ tarball, workers: 2 });
		const bootMs = Date.now() - bootStarted;
		await cluster.main.importCredentials([exampleCredential({ apiKey: sim.apiKey, baseUrl: sim.baseUrl })]);
		const durable = loadExample(EXAMPLE_FILES.webhookSubmitWaitGet, { pollIntervalSeconds: config.pollSeconds, checkInputs: false });
		const durablePath = String(workflowNodes(durable).find((node) => node.type === 'n8n-nodes-base.webhook')?.parameters.path);
		const [generateId, downloadId, durableId] = await cluster.main.importWorkflows([
			generateWorkflow({ path: 'bench-generate', upload: false }),
			generateWorkflow({ path: 'bench-download', upload: false }),
			durable,
		]);
		for (const id of [generateId, downloadId, durableId]) await cluster.server.activateWorkflow(id);

		progress(`queue: ${jobs} Generate jobs (T = ${formatValue(generationMs, 'ms')}) on 2 workers`);
		const two = await generateJobs(cluster, sim, generateId, 'bench-generate', jobs, '2w');
		progress(`queue: the same on 1 worker`);
		await cluster.workers[1].stop();
		const one = await generateJobs(cluster, sim, generateId, 'bench-generate', jobs, '1w');
		await cluster.addWorker();

		progress(`queue: ${jobs} calls of the durable example on 2 workers (Wait 70 s)`);
		sim.reset();
		receiver.received.length = 0;
		const durableStarted = Date.now();
		await callConcurrently(jobs, async (index) => {
			await cluster?.server.callWebhook(durablePath, {
				body: { prompt: `bench durable ${index}`, videoUrl: 'https://example.com/a.mp4', maskUrl: 'https://example.com/a-mask.mp4', callbackUrl: receiver.url(`d/${index}`) },
			});
		});
		const answeredMs = Date.now() - durableStarted;
		await receiver.waitFor(jobs, RUN_TIMEOUT_MS);
		const durableMs = Date.now() - durableStarted;
		const durablePosts = sim.counters().posts;

		const previousSize = sim.options.videoSizeBytes;
		sim.options.videoSizeBytes = downloadBytes;
		sim.options.generationMs = 0;
		progress(`queue: peak RSS of a fresh worker downloading ${formatValue(downloadBytes, 'bytes')}, binary data in the database`);
		const inDatabase = await peakRssOfDownload(cluster, sim, downloadId, 'bench-download', {});
		progress('queue: the same with N8N_DEFAULT_BINARY_DATA_MODE=filesystem');
		const onDisk = await peakRssOfDownload(cluster, sim, downloadId, 'bench-download', { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' });
		sim.options.videoSizeBytes = previousSize;

		const size = formatValue(downloadBytes, 'bytes');
		const rows: Row[] = [
			{ measurement: `${jobs} Generate jobs, 2 workers vs 1`, ours: ms(two.wallMs), baseline: ms(one.wallMs), ratio: ratio(one.wallMs, two.wallMs, '1w/2w') },
			{
				measurement: '  jobs succeeded, POSTs (2 workers; 1 worker)',
				ours: count(two.succeeded, `${two.succeeded}/${jobs}, ${two.posts} POSTs; ${one.succeeded}/${jobs}, ${one.posts} POSTs`),
				target: `all, ${jobs} POSTs each`,
				pass: two.succeeded === jobs && one.succeeded === jobs && two.posts === jobs && one.posts === jobs,
			},
			{
				measurement: `${jobs} durable calls (Submit → Wait 70 s → Get → upload), 2 workers`,
				ours: ms(durableMs),
				baseline: ms(DURABLE_WAIT_MS),
				ratio: ratio(durableMs, DURABLE_WAIT_MS, 'ours/Wait'),
				target: `all uploaded, ${jobs} POSTs`,
				pass: receiver.received.length >= jobs && durablePosts === jobs,
			},
			{ measurement: '  all webhook calls answered (generation IDs)', ours: ms(answeredMs) },
			{
				measurement: `Worker peak RSS, Download Video ${size}, binary data in the database`,
				ours: bytes(inDatabase.peakBytes),
				baseline: bytes(inDatabase.idleBytes),
				ratio: ratio(inDatabase.peakBytes - inDatabase.idleBytes, downloadBytes, 'growth/file'),
			},
			{
				measurement: `  same, N8N_DEFAULT_BINARY_DATA_MODE=filesystem`,
				ours: bytes(onDisk.peakBytes),
				baseline: bytes(onDisk.idleBytes),
				ratio: ratio(onDisk.peakBytes - onDisk.idleBytes, downloadBytes, 'growth/file'),
			},
		];
		return {
			title: `6. Queue mode: PostgreSQL + Redis + n8n main + workers (concurrency 10 each), T = ${formatValue(generationMs, 'ms')}`,
			notes: [
				`Boot (PostgreSQL, Redis, main, 2 workers): ${formatValue(bootMs, 'ms')}. Jobs are webhook calls answered on receipt; wall time from the first call until n8n recorded every execution as finished (or, durable, until the last MP4 reached the callback receiver).`,
				`Durable baseline: the 70 s Wait, the least such a job can take (the generation runs meanwhile, T < 70 s).`,
				`Peak RSS: VmHWM of a fresh worker process, the only worker running, before (baseline: idle after boot) and after one Generate job downloading ${size} (${inDatabase.succeeded}/1 and ${onDisk.succeeded}/1 succeeded).`,
			],
			rows,
		};
	} finally {
		await cluster?.dispose();
		await receiver.close();
		await sim.close();
		await fsp.rm(path.dirname(tarball), { recursive: true, force: true });
	}
}
