/**
 * Servers die with their tests. Each case runs a test process of its own (cleanup-run.ts,
 * through tsx) that starts real servers through the harness, ends it one way (SIGKILL,
 * SIGTERM, SIGINT, or an exit that leaves its servers running), and then waits, polling with
 * a deadline, until nothing of it is left: no process of its tree as it was when its servers
 * answered (PID and start time), no process whose command line or environment names its
 * unique temp folder (the run's TMPDIR: n8n's user folder, PostgreSQL's and Redis' folders
 * and Chromium's profile are all in it), and nothing left in that folder.
 */
import { childProcess, clearTimeout, delay, fs, fsp, log, os, path, process, repoRoot, setTimeout } from '../support/node';
import { isAlive, processTable } from '../support/watchdog';
import { ensureN8n } from './n8n';

/** How long the leftovers may take to go: the watchdog's poll (0.5 s) and the grace before SIGKILL (5 s), twice over. */
const GONE_DEADLINE_MS = 30_000;
const READY_DEADLINE_MS = 4 * 60_000;

interface Snapshot {
	pid: number;
	startTime: string;
	cmdline: string;
}

type End = 'SIGKILL' | 'SIGTERM' | 'SIGINT' | 'exit';

const CASES: Array<{ end: End; parts: string[]; how: string }> = [
	{ end: 'SIGKILL', parts: ['postgres', 'redis', 'n8n', 'chromium'], how: 'killed with SIGKILL (no handler runs: the watchdog)' },
	{ end: 'SIGTERM', parts: ['n8n', 'chromium'], how: 'stopped with SIGTERM' },
	{ end: 'SIGINT', parts: ['n8n'], how: 'interrupted with SIGINT (Ctrl-C)' },
	{ end: 'exit', parts: ['n8n', 'redis'], how: 'exiting without stopping its servers' },
];

/**
 * Files a run leaves in its TMPDIR however it ends, which are no server's: tsx's compile cache
 * (the runner itself) and the folder n8n creates on boot for data table uploads (kept by a
 * normal stop as well).
 */
const NOT_LEFT_BY_A_KILL = /^(tsx-\d+|n8nDataTableUploads)$/;

/** What each part looks like in the process table (its command line). */
const PART_PATTERNS: Record<string, RegExp> = {
	n8n: /n8n start/,
	chromium: /chrom/,
	postgres: /postgres -D/,
	redis: /redis-server/,
};

function readProc(pid: number, file: string): string {
	try {
		return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8').replace(/\0/g, ' ');
	} catch {
		return '';
	}
}

/** `root` and every process below it, as they are now. */
function processTree(root: number): Snapshot[] {
	const table = processTable();
	const tree: Snapshot[] = [];
	const queue = [root];
	while (queue.length > 0) {
		const pid = queue.shift() as number;
		const stat = table.find((entry) => entry.pid === pid);
		if (!stat) continue;
		tree.push({ pid, startTime: stat.startTime, cmdline: readProc(pid, 'cmdline').trim() });
		for (const child of table) if (child.ppid === pid) queue.push(child.pid);
	}
	return tree;
}

/** What is left of the run: its processes still alive, any process naming its folder, files in the folder. */
function leftovers(tree: Snapshot[], folder: string): { processes: string[]; files: string[] } {
	const alive = tree.filter((proc) => isAlive(proc.pid, proc.startTime)).map((proc) => `${proc.pid} ${proc.cmdline}`);
	const naming = processTable()
		.filter((stat) => stat.pid !== process.pid && (readProc(stat.pid, 'cmdline') + readProc(stat.pid, 'environ')).includes(folder))
		.map((stat) => `${stat.pid} ${readProc(stat.pid, 'cmdline').trim()}`);
	const files = fs.existsSync(folder) ? fs.readdirSync(folder).filter((name) => !NOT_LEFT_BY_A_KILL.test(name)) : [];
	return { processes: [...new Set([...alive, ...naming])], files };
}

/** Starts cleanup-run.ts; resolves with the child once it printed READY. */
async function startRun(folder: string, parts: string[], end: End) {
	const child = childProcess.spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test', 'e2e', 'cleanup-run.ts')], {
		cwd: repoRoot,
		// Its own process group: the signals go to the run alone, as to a jest process.
		detached: true,
		env: {
			...process.env,
			TMPDIR: folder,
			WAN_VACE_CLEANUP_PARTS: parts.join(','),
			...(end === 'exit' ? { WAN_VACE_CLEANUP_END: 'exit' } : {}),
		},
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
	let output = '';
	const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`no READY within ${READY_DEADLINE_MS} ms:\n${output}`)), READY_DEADLINE_MS);
		const onData = (chunk: Buffer) => {
			output += chunk.toString('utf8');
			const line = /^READY (.*)$/m.exec(output);
			if (line) {
				clearTimeout(timer);
				resolve(JSON.parse(line[1]) as Record<string, unknown>);
			}
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
		void exited.then(({ code, signal }) => {
			clearTimeout(timer);
			if (!/^READY /m.test(output)) reject(new Error(`the run ended (${code ?? signal}) before READY:\n${output}`));
		});
	});
	return { child, ready, exited, output: () => output };
}

describe('servers die with their test run', () => {
	beforeAll(async () => {
		await ensureN8n();
	}, 30 * 60_000);

	it.each(CASES)('a run $how leaves nothing behind ($parts)', async ({ end, parts }) => {
		const folder = await fsp.mkdtemp(path.join(os.tmpdir(), 'wan-vace-cleanup-'));
		await fsp.chmod(folder, 0o755); // PostgreSQL runs as its own user below it
		let tree: Snapshot[] = [];
		try {
			const run = await startRun(folder, parts, end);
			tree = processTree(run.child.pid as number);
			// The run did start what it claims: each part, and the watchdog.
			for (const part of parts) expect({ part, running: tree.some((proc) => PART_PATTERNS[part].test(proc.cmdline)) }).toEqual({ part, running: true });
			expect(tree.some((proc) => proc.cmdline.includes('watchdog.js'))).toBe(true);

			if (end === 'exit') run.child.stdin.end('exit\n');
			else process.kill(run.child.pid as number, end);
			const ended = await Promise.race([run.exited, delay(GONE_DEADLINE_MS, undefined, { ref: false })]);
			if (!ended) throw new Error(`the run did not end within ${GONE_DEADLINE_MS} ms of ${end}`);
			const endedAt = Date.now();
			let left = leftovers(tree, folder);
			while ((left.processes.length > 0 || left.files.length > 0) && Date.now() - endedAt < GONE_DEADLINE_MS) {
				await delay(100);
				left = leftovers(tree, folder);
			}
			log(`cleanup: a run ${end === 'exit' ? 'that exited' : `killed with ${end}`} (${parts.join(', ')}; ${tree.length} processes, ended by ${ended.signal ?? ended.code}): nothing left after ${Date.now() - endedAt} ms`);
			expect(left).toEqual({ processes: [], files: [] });
		} finally {
			// A failing case must not leave its servers to the next one.
			// PostgreSQL by SIGQUIT (immediate shutdown: it releases its shared memory), the rest by SIGKILL.
			for (const proc of tree) if (isAlive(proc.pid, proc.startTime)) killQuietly(proc.pid, PART_PATTERNS.postgres.test(proc.cmdline) ? 'SIGQUIT' : 'SIGKILL');
			// …nor the watchdog time to find folders gone.
			await untilGone(tree);
			await fsp.rm(folder, { recursive: true, force: true });
		}
	}, READY_DEADLINE_MS + 2 * GONE_DEADLINE_MS);
});

async function untilGone(tree: Snapshot[]): Promise<void> {
	const deadline = Date.now() + GONE_DEADLINE_MS;
	const alive = () => tree.filter((proc) => isAlive(proc.pid, proc.startTime));
	while (alive().length > 0 && Date.now() < deadline) {
		if (Date.now() > deadline - GONE_DEADLINE_MS / 2) for (const proc of alive()) killQuietly(proc.pid, 'SIGKILL');
		await delay(100);
	}
}

function killQuietly(pid: number, signal: 'SIGKILL' | 'SIGQUIT'): void {
	try {
		process.kill(pid, signal);
	} catch {
		// gone
	}
}
