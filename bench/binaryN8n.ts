/**
 * Issue 19 in a real n8n 2.41.1: N items whose video n8n's own Read/Write Files node read from
 * disk, submitted by the node as binary inputs to the body mock of binary.ts (it keeps none of
 * a body). Each figure is the peak RSS (VmHWM) growth of a freshly started n8n process over its
 * idle peak. Beside it, the same workflow with a No Op node in place of ours: what n8n itself
 * needs for the run (in memory mode, the files' base64 texts). The node's share is the
 * difference.
 */
import { createN8nEnvironment, ensureN8n, packPackage, N8N_VERSION, type N8nEnvironment } from '../test/e2e/n8n';
import { readAndSubmitWorkflow } from '../test/e2e/binary-workflow';
import { exampleCredential } from '../test/e2e/examples';
import { clearInterval, delay, fs, fsp, path, setInterval } from '../test/support/node';
import { type BodyMock, startBodyMock, writeSourceFile } from './binary';
import { MiB } from './config';
import { type Row, type Section, bytes, formatValue } from './report';
import type { Progress } from './sections';

const FILE_BYTES = 10 * 1000 * 1000;
const ITEMS = [2, 20];
const MAX_CONCURRENT = 5;
const RUN_TIMEOUT_MS = 10 * 60_000;
const RUN_OPTIONS = { checkInputs: false, requestTimeoutSeconds: 300, maxConcurrentRequests: MAX_CONCURRENT };

/**
 * Boots the server afresh, runs the workflow, and answers the growth of n8n's RSS: its peak,
 * sampled every 20 ms during the run (and its VmHWM if that rose), over its RSS just before.
 */
async function growthOfRun(n8n: N8nEnvironment, workflowId: string): Promise<number> {
	const server = await n8n.startServer();
	try {
		await delay(1000);
		const before = server.rssBytes() ?? 0;
		const hwmBefore = server.peakRssBytes() ?? 0;
		let peak = before;
		const sampler = setInterval(() => (peak = Math.max(peak, server.rssBytes() ?? 0)), 20);
		const result = await n8n.execute(workflowId, { timeoutMs: RUN_TIMEOUT_MS }).finally(() => clearInterval(sampler));
		if (result.status !== 'success') throw new Error(`the bench workflow ended ${result.status}: ${JSON.stringify(result.nodeError('Under Test'))}`);
		const hwmAfter = server.peakRssBytes() ?? 0;
		return Math.max(peak, hwmAfter > hwmBefore ? hwmAfter : 0) - before;
	} finally {
		await server.stop();
	}
}

async function measureMode(mode: string, tarball: string, mock: BodyMock, source: string, progress: Progress): Promise<Row[]> {
	const n8n = await createN8nEnvironment({ tarball, env: { N8N_DEFAULT_BINARY_DATA_MODE: mode }, logLevel: 'warn' });
	const rows: Row[] = [];
	try {
		await n8n.importCredentials([exampleCredential({ apiKey: 'bench-key', baseUrl: mock.baseUrl })]);
		for (const n of ITEMS) {
			const folder = path.join(n8n.filesDir, `items-${n}`);
			await fsp.mkdir(folder);
			for (let index = 0; index < n; index++) fs.linkSync(source, path.join(folder, `clip-${String(index).padStart(3, '0')}.mp4`));
		}
		const ids = await n8n.importWorkflows(ITEMS.flatMap((n) => [false, true].map((noOp) => readAndSubmitWorkflow({ name: `Binary bench ${n} ${noOp ? 'reference' : 'node'}`, fileSelector: `.n8n-files/items-${n}/*.mp4`, runOptions: RUN_OPTIONS, nodeName: 'Under Test', noOp }))));
		const share = new Map<number, number>();
		for (const [index, n] of ITEMS.entries()) {
			progress(`binary (n8n ${N8N_VERSION}): ${n} × ${formatValue(FILE_BYTES, 'bytes')}, ${mode} mode, with the node and with No Op`);
			const first = mock.bodies.length;
			const withNode = await growthOfRun(n8n, ids[2 * index]);
			const bodies = mock.bodies.slice(first);
			const reference = await growthOfRun(n8n, ids[2 * index + 1]);
			share.set(n, withNode - reference);
			const exact = bodies.length === n && bodies.every((body) => body.received === body.contentLength);
			const goal = n === ITEMS[0] ? 4 * FILE_BYTES : 1.5 * Math.max(0, share.get(ITEMS[0]) ?? 0) + 64 * MiB;
			rows.push({
				measurement: `n8n ${N8N_VERSION}, ${n} × ${formatValue(FILE_BYTES, 'bytes')}, ${mode} mode: peak RSS growth (with No Op instead)`,
				ours: bytes(withNode),
				baseline: bytes(reference),
				target: `node's share ${formatValue(withNode - reference, 'bytes')} ≤ ${formatValue(goal, 'bytes')}, bodies = Content-Length`,
				pass: exact && withNode - reference <= goal,
			});
		}
	} finally {
		await n8n.dispose();
	}
	return rows;
}

export async function binaryN8nSection(_config: unknown, progress: Progress): Promise<Section> {
	progress('binary (n8n): installing n8n if needed, packing the node');
	await ensureN8n();
	const tarball = await packPackage();
	const mock = await startBodyMock();
	const source = writeSourceFile(FILE_BYTES);
	const rows: Row[] = [];
	try {
		for (const mode of ['filesystem', 'default']) rows.push(...(await measureMode(mode, tarball, mock, source, progress)));
	} finally {
		await mock.close();
		fs.rmSync(source, { force: true });
		await fsp.rm(path.dirname(tarball), { recursive: true, force: true });
	}
	return {
		title: `Binary inputs in a real n8n ${N8N_VERSION} (issue 19)`,
		notes: [
			'Manual Trigger → Read/Write Files (N files of 10 MB) → Wan VACE Inpaint (Submit, Max Concurrent Requests 5), against a mock that keeps no body. Each run in a freshly started n8n: growth of the server process\'s peak RSS (VmHWM) over its idle peak.',
			'Baseline: the same run with a No Op node instead of ours (in memory mode it holds the files\' base64 texts). The node\'s share is the difference; goals as in process: 2 items ≤ 4 × one file, 20 items ≤ 1.5 × the 2-item share + 64 MiB.',
		],
		rows,
	};
}
