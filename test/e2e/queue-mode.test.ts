/**
 * n8n 2.41.1 in queue mode (test/e2e/n8n/queue.ts): PostgreSQL, Redis, a main instance and two
 * workers, against the simulator in this jest process, with binary data at queue mode's
 * default (the database). The durable pattern is examples/webhook-submit-wait-get.json as it
 * ships (70 s Wait), polling at 0.5 s. Each test prints what it measured (per-worker counts,
 * crash outcomes) on one `queue-mode:` line.
 */
import { ensureN8n, packPackage, startQueueCluster, type QueueCluster, type QueueWorker } from './n8n';
import { EXAMPLE_FILES, exampleCredential, loadExample, workflowNodes } from './examples';
import { startCallbackReceiver, type CallbackReceiver, type ReceivedUpload } from './callbackReceiver';
import { GENERATE_PATH, callConcurrently, executions, existing, generateWorkflow, untilNew } from './queue-workloads';
import { type Simulator, sampleVideoBytes, startSimulator } from '../simulator';
import { delay, fsp, log, path } from '../support/node';

const INSTALL_TIMEOUT_MS = 30 * 60_000;
const BOOT_TIMEOUT_MS = 4 * 60_000;
const SAMPLE = sampleVideoBytes();

describe('queue mode: main + 2 workers, PostgreSQL, Redis', () => {
	let cluster: QueueCluster;
	let sim: Simulator;
	let receiver: CallbackReceiver;
	let tarball: string | undefined;
	const ids = { generate: '', durable: '' };
	const durable = loadExample(EXAMPLE_FILES.webhookSubmitWaitGet, { pollIntervalSeconds: 0.5, checkInputs: false });
	const durablePath = String(workflowNodes(durable).find((node) => node.type === 'n8n-nodes-base.webhook')?.parameters.path);

	beforeAll(async () => {
		await ensureN8n();
		tarball = await packPackage();
		sim = await startSimulator({ generationMs: 3000 });
		receiver = await startCallbackReceiver();
		// Shorter Bull locks than n8n's defaults (60 s lock, 30 s stall check), so that a killed
		// worker's jobs are noticed within seconds; the README gives what the defaults mean.
		cluster = await startQueueCluster({
			tarball,
			workers: 2,
			env: { QUEUE_WORKER_LOCK_DURATION: '10000', QUEUE_WORKER_LOCK_RENEW_TIME: '2000', QUEUE_WORKER_STALLED_INTERVAL: '5000' },
		});
		await cluster.main.importCredentials([exampleCredential({ apiKey: sim.apiKey, baseUrl: sim.baseUrl })]);
		[ids.generate, ids.durable] = await cluster.main.importWorkflows([generateWorkflow(), durable]);
		await cluster.server.activateWorkflow(ids.generate);
		await cluster.server.activateWorkflow(ids.durable);
	}, INSTALL_TIMEOUT_MS);

	afterAll(async () => {
		await cluster?.dispose();
		await receiver?.close();
		await sim?.close();
		if (tarball) await fsp.rm(path.dirname(tarball), { recursive: true, force: true });
	}, BOOT_TIMEOUT_MS);

	beforeEach(() => {
		sim.reset();
		receiver.received.length = 0;
	});

	/** Which worker started each of these executions. */
	function perWorker(executionIds: string[], workers: QueueWorker[] = cluster.workers) {
		return Object.fromEntries(workers.map((worker) => [worker.name, worker.executions().filter((id) => executionIds.includes(id)).length]));
	}

	/** The uploads, one per generation, each the intact MP4 of the generation its header names. */
	function expectIntactUploads(uploads: ReceivedUpload[], promptOf: (upload: ReceivedUpload) => string) {
		for (const upload of uploads) {
			const id = String(upload.headers['x-generation-id']);
			expect(sim.generations.get(id)?.body.prompt).toBe(promptOf(upload));
			expect(upload.body.equals(SAMPLE)).toBe(true);
		}
		expect(new Set(uploads.map((upload) => upload.headers['x-generation-id'])).size).toBe(uploads.length);
	}

	it('20 Generate executions run on both workers: all complete, 1 POST per generation, pairedItem right, videos intact', async () => {
		const before = await existing(cluster.server, ids.generate);
		await callConcurrently(20, async (index) => {
			const response = await cluster.server.callWebhook(GENERATE_PATH, {
				body: { prompt: `queue generate ${index}`, callbackUrl: receiver.url(`generate/${index}`) },
			});
			expect(response.status).toBe(200);
		});
		const uploads = await receiver.waitFor(20, 3 * 60_000);
		expectIntactUploads(uploads, (upload) => `queue generate ${upload.path.split('/').pop()}`);
		expect(sim.counters()).toMatchObject({ posts: 20, acceptedPosts: 20 });

		const list = await untilNew(cluster.server, ids.generate, before, 20, (status) => status === 'success', 60_000);
		expect(list.map((execution) => execution.status)).toEqual(Array(20).fill('success'));
		for (const { id } of list) {
			const execution = await cluster.server.getExecution(id);
			expect(execution.items('Generate').map((item) => item.pairedItem)).toEqual([{ item: 0 }]);
			expect(execution.items('Upload').map((item) => item.pairedItem)).toEqual([{ item: 0 }]);
			expect(execution.items('Generate')[0].binary?.data).toMatchObject({ bytes: SAMPLE.length, id: expect.stringMatching(/^database:/) });
		}
		const counts = perWorker(list.map((execution) => execution.id));
		log(`queue-mode: 20 Generate executions per worker ${JSON.stringify(counts)}`);
		expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(20);
		for (const count of Object.values(counts)) expect(count).toBeGreaterThan(0);
	}, 5 * 60_000);

	it('100 calls of the durable example, main restarted while they wait 70 s: every one completes with its generation ID, 0 extra POSTs', async () => {
		const answers = new Map<string, string>();
		const before = await existing(cluster.server, ids.durable);
		const calledAt = Date.now();
		await callConcurrently(100, async (index) => {
			const response = await cluster.server.callWebhook(durablePath, {
				body: {
					prompt: `queue durable ${index}`,
					videoUrl: `https://example.com/videos/${index}.mp4`,
					maskUrl: `https://example.com/videos/${index}-mask.mp4`,
					callbackUrl: receiver.url(`durable/${index}`),
				},
			});
			expect(response.status).toBe(202);
			answers.set(`/durable/${index}`, response.json<{ generationId: string }>().generationId);
		});
		const answeredMs = Date.now() - calledAt;
		const waiting = await untilNew(cluster.server, ids.durable, before, 100, (status) => status === 'waiting', 60_000);
		const restartStarted = Date.now();
		await cluster.restartMain();
		const restartMs = Date.now() - restartStarted;
		// The restart happened during the wait: every call is still waiting, none was resumed.
		const afterRestart = (await executions(cluster.server, ids.durable)).filter((execution) => !before.has(execution.id));
		expect(afterRestart.map((execution) => execution.status)).toEqual(Array(100).fill('waiting'));

		const uploads = await receiver.waitFor(100, 4 * 60_000);
		expectIntactUploads(uploads, (upload) => `queue durable ${upload.path.split('/').pop()}`);
		for (const upload of uploads) expect(upload.headers['x-generation-id']).toBe(answers.get(upload.path));
		expect(sim.counters()).toMatchObject({ posts: 100, acceptedPosts: 100 });
		const finished = await untilNew(cluster.server, ids.durable, before, 100, (status) => status === 'success', 60_000);
		expect(finished).toHaveLength(100);
		const counts = perWorker(waiting.map((execution) => execution.id));
		const lastUploadMs = Math.max(...uploads.map((upload) => upload.at)) - calledAt;
		log(
			`queue-mode: 100 durable calls answered in ${answeredMs} ms; main restart ${restartMs} ms during the wait; last upload ${lastUploadMs} ms after the first call; execution starts per worker, 200 = 100 submits + 100 resumes: ${JSON.stringify(counts)}`,
		);
		for (const count of Object.values(counts)) expect(count).toBeGreaterThan(0);
	}, 8 * 60_000);

	it('a worker killed with SIGKILL mid-Generate: its executions fail (not rerun), every ID it created is in its log; durable calls lose nothing', async () => {
		sim.options.generationMs = 30_000;
		const durableAnswers = new Map<string, string>();
		const beforeDurable = await existing(cluster.server, ids.durable);
		await callConcurrently(10, async (index) => {
			const response = await cluster.server.callWebhook(durablePath, {
				body: {
					prompt: `kill durable ${index}`,
					videoUrl: 'https://example.com/videos/a.mp4',
					maskUrl: 'https://example.com/videos/a-mask.mp4',
					callbackUrl: receiver.url(`durable/${index}`),
				},
			});
			durableAnswers.set(`/durable/${index}`, response.json<{ generationId: string }>().generationId);
		});
		// The durable executions are saved in their Wait before the worker dies.
		await untilNew(cluster.server, ids.durable, beforeDurable, 10, (status) => status === 'waiting', 60_000);
		const beforeGenerate = await existing(cluster.server, ids.generate);
		await callConcurrently(10, async (index) => {
			await cluster.server.callWebhook(GENERATE_PATH, { body: { prompt: `kill generate ${index}`, callbackUrl: receiver.url(`generate/${index}`) } });
		});
		const deadline = Date.now() + 60_000;
		while (sim.generations.size < 20 || sim.log.some((entry) => entry.route === 'submit' && entry.closedAt === undefined)) {
			if (Date.now() > deadline) throw new Error(`only ${sim.generations.size} generations were created`);
			await delay(100);
		}
		// The middle of the run: each of the 10 Generate executions started on a worker (named in its
		// log) and each of their generations polled at least once; none finished (each takes 30 s).
		const generateIds = () => [...sim.generations.values()].filter((g) => String(g.body.prompt).startsWith('kill generate')).map((g) => g.id);
		const polled = () => new Set(sim.log.filter((entry) => entry.route === 'poll' && entry.status !== null).map((entry) => entry.generationId));
		let generateRuns: Awaited<ReturnType<typeof executions>> = [];
		for (;;) {
			generateRuns = (await executions(cluster.server, ids.generate)).filter((execution) => !beforeGenerate.has(execution.id));
			const onWorkers = generateRuns.every((execution) => cluster.workers.some((worker) => worker.executions().includes(execution.id)));
			const allPolled = generateIds().every((id) => polled().has(id));
			if (generateRuns.length === 10 && onWorkers && allPolled) break;
			if (Date.now() > deadline) throw new Error(`mid-run not reached: ${generateRuns.length} Generate executions (on workers: ${onWorkers}), ${polled().size} generations polled`);
			await delay(100);
		}
		const runIds = generateRuns.map((execution) => execution.id);
		const [victim] = [...cluster.workers].sort((a, b) => perWorker(runIds, [b])[b.name] - perWorker(runIds, [a])[a.name]);
		const victimIds = runIds.filter((id) => victim.executions().includes(id));
		const victimRuns = victimIds.length;
		const victimLog = () => victim.log();
		const killedAt = Date.now();
		await victim.crash();

		// Every generation the killed worker created is named in its log.
		const createdByVictim = [...sim.generations.values()].filter((g) => victimLog().includes(`submitted generation ${g.id}`));
		const lostFromLog = [...sim.generations.values()].filter(
			(g) => String(g.body.prompt).startsWith('kill generate') && !cluster.workers.some((worker) => worker.log().includes(`submitted generation ${g.id}`)),
		);
		expect(lostFromLog).toEqual([]);
		expect(createdByVictim.length).toBeGreaterThan(0);

		// What n8n does with the killed worker's executions, and when.
		const stopped = (status: string) => status !== 'running' && status !== 'new';
		let victimOutcome: string[] = [];
		while (Date.now() - killedAt < 3 * 60_000) {
			const list = await executions(cluster.server, ids.generate);
			victimOutcome = victimIds.map((id) => list.find((execution) => execution.id === id)?.status ?? 'missing');
			if (victimOutcome.every(stopped)) break;
			await delay(500);
		}
		const victimSettledMs = Date.now() - killedAt;
		const victimError = victimIds.length ? (await cluster.server.getExecution(victimIds[0], { timeoutMs: 10_000 })).error?.message : undefined;
		const outcome = await untilNew(cluster.server, ids.generate, beforeGenerate, 10, stopped, 3 * 60_000);
		const statuses: Record<string, number> = {};
		for (const execution of outcome) statuses[execution.status] = (statuses[execution.status] ?? 0) + 1;
		// Not rerun elsewhere: no generation was submitted again.
		expect(sim.counters().posts).toBe(20);
		expect(statuses.success ?? 0).toBe(10 - victimRuns);

		const uploads = await receiver.waitFor(10 + (10 - victimRuns), 3 * 60_000);
		const durableUploads = uploads.filter((upload) => upload.path.startsWith('/durable/'));
		for (const upload of durableUploads) expect(upload.headers['x-generation-id']).toBe(durableAnswers.get(upload.path));
		expect(durableUploads).toHaveLength(10);
		expectIntactUploads(uploads, (upload) => `kill ${upload.path.split('/')[1]} ${upload.path.split('/').pop()}`);
		expect(sim.counters().posts).toBe(20);
		log(
			`queue-mode: SIGKILL of ${victim.name} running ${victimRuns} of 10 Generate executions: its executions ${JSON.stringify(victimOutcome)} ${victimSettledMs} ms after the kill (lock 10 s, stall check 5 s), error "${victimError}"; all 10: ${JSON.stringify(statuses)}; ${createdByVictim.length} generations (Generate and durable Submit) in its log; 10/10 durable calls completed`,
		);
	}, 8 * 60_000);
});
