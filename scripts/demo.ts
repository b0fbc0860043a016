/**
 * The demo behind `npm run demo` (scripts/demo.sh): builds this package, loads it into a
 * real n8n 2.41.1 (test/e2e/n8n.ts), runs examples/generate-and-save.json and prints the
 * generation ID, the video URL and where the MP4 is.
 *
 *   npm run demo                      # against the local AI/ML API simulator
 *   npm run demo -- --keep-open       # then leave n8n (and the simulator) running for the editor
 *   AIMLAPI_API_KEY=... DEMO_VIDEO_URL=https://... DEMO_MASK_URL=https://... npm run demo
 *                                     # against https://api.aimlapi.com (paid); DEMO_PROMPT optional
 */
import {
	N8N_VERSION,
	createN8nEnvironment,
	ensureN8n,
	packPackage,
	type N8nEnvironment,
} from '../test/e2e/n8n';
import { EXAMPLE_FILES, exampleCredential, loadExample, setExampleInputs, writtenFilePath } from '../test/e2e/examples';
import { startSimulator, type Simulator } from '../test/simulator';
import { fsp, log, logError, path, process, repoRoot, util } from '../test/support/node';

const REAL_API_BASE_URL = 'https://api.aimlapi.com';
const OUTPUT_DIR = path.join(repoRoot, 'demo-output');
const GENERATE_NODE = 'Wan VACE Inpaint';
const SAVE_NODE = 'Save MP4 to Disk';

const USAGE = `Usage: npm run demo [-- --keep-open]   (or: bash scripts/demo.sh [--keep-open])

Runs examples/generate-and-save.json in a real n8n ${N8N_VERSION} with this package installed.
  --keep-open   keep n8n (and the simulator) running afterwards and print the editor URL
                and login; Ctrl+C stops everything
Without AIMLAPI_API_KEY it uses the local AI/ML API simulator. With it, the real API
(${REAL_API_BASE_URL}, paid) and these inputs, public https URLs:
  DEMO_VIDEO_URL  the source video     DEMO_MASK_URL  its mask video (white = repaint)
  DEMO_PROMPT     optional, what to paint in the masked area`;

interface Target {
	label: string;
	apiKey: string;
	baseUrl: string;
	pollIntervalSeconds: number;
	timeoutMs: number;
	simulator?: Simulator;
}

/** The flags, or the parse error to report with the usage. */
function readFlags(): { keepOpen: boolean; help: boolean } | Error {
	try {
		const { values } = util.parseArgs({
			args: process.argv.slice(2),
			options: { 'keep-open': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
			strict: true,
		});
		return { keepOpen: values['keep-open'], help: values.help };
	} catch (error) {
		return error as Error;
	}
}
const flags = readFlags();
const keepOpen = !(flags instanceof Error) && flags.keepOpen;
const apiKey = process.env.AIMLAPI_API_KEY?.trim() ?? '';

/** Everything printed goes through here: the API key never shows up. */
function say(text: string): void {
	log(redact(text));
}

function redact(text: string): string {
	return apiKey ? text.split(apiKey).join('***') : text;
}

function step(text: string): void {
	say(`\n[demo] ${text}`);
}

const cleanups: Array<() => Promise<unknown>> = [];
async function cleanUp(): Promise<void> {
	while (cleanups.length > 0) await cleanups.pop()?.().catch(() => undefined);
}

async function startTarget(): Promise<Target> {
	if (apiKey) {
		return { label: `AI/ML API at ${REAL_API_BASE_URL}`, apiKey, baseUrl: REAL_API_BASE_URL, pollIntervalSeconds: 10, timeoutMs: 35 * 60_000 };
	}
	const simulator = await startSimulator({ generationMs: 4000 });
	cleanups.push(async () => await simulator.close());
	return {
		label: `the local AI/ML API simulator at ${simulator.baseUrl} (no API key, nothing paid)`,
		apiKey: simulator.apiKey,
		baseUrl: simulator.baseUrl,
		pollIntervalSeconds: 1,
		timeoutMs: 3 * 60_000,
		simulator,
	};
}

/** Runs example (a); resolves once it printed the result (and, with --keep-open, the editor login). */
async function runDemo(): Promise<void> {
	if (flags instanceof Error) throw new Error(`${flags.message}\n\n${USAGE}`);
	const inputs = { videoUrl: process.env.DEMO_VIDEO_URL?.trim() ?? '', maskUrl: process.env.DEMO_MASK_URL?.trim() ?? '' };
	if (apiKey && (!inputs.videoUrl || !inputs.maskUrl)) {
		throw new Error(
			'AIMLAPI_API_KEY is set, so the demo calls the real API, which needs a real source video and mask: set DEMO_VIDEO_URL and DEMO_MASK_URL to public https URLs (and optionally DEMO_PROMPT), or unset AIMLAPI_API_KEY to use the simulator.',
		);
	}

	step(`n8n ${N8N_VERSION}: checking the install in the machine cache (the first run downloads and installs it: ~6 min, ~2.9 GB)`);
	await ensureN8n();

	step('Building and packing n8n-nodes-wan-vace (npm run build, npm pack)');
	const tarball = await packPackage();
	cleanups.push(async () => await fsp.rm(path.dirname(tarball), { recursive: true, force: true }));

	const target = await startTarget();
	step(`API: ${target.label}`);

	step('Starting n8n with the package installed as a community node');
	const n8n: N8nEnvironment = await createN8nEnvironment({ tarball, logLevel: 'warn' });
	cleanups.push(async () => await n8n.dispose());
	const server = await n8n.startServer();
	await n8n.importCredentials([exampleCredential({ apiKey: target.apiKey, baseUrl: target.baseUrl })]);
	const workflow = loadExample(EXAMPLE_FILES.generateAndSave, { pollIntervalSeconds: target.pollIntervalSeconds });
	if (apiKey) setExampleInputs(workflow, { ...inputs, prompt: process.env.DEMO_PROMPT?.trim() });
	// The example's inputs are on example.com: against the simulator, its own input host serves them (and the input checks read them there).
	else if (target.simulator) setExampleInputs(workflow, { videoUrl: target.simulator.inputUrl('sample.mp4'), maskUrl: target.simulator.inputUrl('mask.mp4') });
	const workflowId = await n8n.importWorkflow(workflow);

	step(`Running examples/${EXAMPLE_FILES.generateAndSave} (polls every ${target.pollIntervalSeconds} s)`);
	const result = await n8n.execute(workflowId, { timeoutMs: target.timeoutMs });
	if (result.status !== 'success') {
		const error = result.error;
		throw new Error(`the workflow ended with status "${result.status}"${error ? `: ${error.node ? `${error.node}: ` : ''}${error.message}${error.description ? `\n${error.description}` : ''}` : ''}`);
	}
	const generated = result.json(GENERATE_NODE)[0] ?? {};
	const written = writtenFilePath(n8n.userFolder, result.json(SAVE_NODE)[0]?.fileName);
	await fsp.mkdir(OUTPUT_DIR, { recursive: true });
	const copy = path.join(OUTPUT_DIR, path.basename(written));
	await fsp.copyFile(written, copy);
	const { size } = await fsp.stat(copy);

	say(`
Done in ${(result.durationMs / 1000).toFixed(1)} s:
  Generation ID  ${String(generated.generationId)}
  Video URL      ${String(generated.videoUrl)}
  Duration       ${String(generated.duration)} s, ${String(generated.creditsUsed)} credits
  MP4            ${path.relative(process.cwd(), copy)} (${size} bytes), written by the "${SAVE_NODE}" node
                 inside n8n (${written}) and copied here`);

	if (!keepOpen) {
		say('\nRun `npm run demo -- --keep-open` to look at the workflow in the n8n editor.');
		return;
	}
	say(`
n8n keeps running${target.simulator ? ', and so does the simulator' : ''}. Open the workflow in the editor:
  ${server.baseUrl}/workflow/${workflowId}
  Email     ${n8n.ownerLogin.email}
  Password  ${n8n.ownerLogin.secret}
Click "Execute workflow" to run it again. Press Ctrl+C to stop everything and clean up.`);
}

/** Ctrl+C / SIGTERM: n8n runs in its own process group, so this process stops it (a second signal too). */
const signalled = new Promise<string>((resolve) => {
	let received = false;
	for (const signal of ['SIGINT', 'SIGTERM']) {
		process.on(signal, () => {
			if (received) say('[demo] still stopping n8n, one moment');
			received = true;
			resolve(signal);
		});
	}
});

async function main(): Promise<number> {
	if (!(flags instanceof Error) && flags.help) {
		say(USAGE);
		return 0;
	}
	try {
		const outcome = await Promise.race([runDemo().then(() => undefined), signalled]);
		if (outcome === undefined && keepOpen) await signalled;
		step('Stopping n8n and cleaning up');
		return outcome === undefined ? 0 : 130;
	} catch (error) {
		logError(redact(`\n[demo] failed: ${error instanceof Error ? error.message : String(error)}`));
		return 1;
	} finally {
		await cleanUp();
	}
}

void main().then((code) => process.exit(code));
