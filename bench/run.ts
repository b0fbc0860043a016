/**
 * `npm run bench`: the built node against the local AI/ML API simulator, each figure next
 * to a baseline, with PASS/FAIL per target (issue 4). Progress goes to stderr, the table
 * (or with --json the JSON report) to stdout. Exit code 1 when a target is missed.
 */
import { N8N_USER_FOLDER } from '../test/harness/env';
import { fs, log, logError, process, util } from '../test/support/node';
import { type BenchConfig, FULL, QUICK } from './config';
import { type Section, allPassed, formatTable, formatValue } from './report';
import { binarySection } from './binary';
import { binaryN8nSection } from './binaryN8n';
import { checksSection } from './checks';
import { maskSection } from './mask';
import { queueSection } from './queue';
import { type Progress, batchSection, memorySection, rateLimitSection } from './sections';

const SECTIONS: Record<string, (config: BenchConfig, progress: Progress) => Promise<Section>> = {
	batch: batchSection,
	ratelimit: rateLimitSection,
	memory: memorySection,
	queue: queueSection,
	checks: checksSection,
	mask: maskSection,
	binary: binarySection,
	'binary-n8n': binaryN8nSection,
};

const USAGE = `Usage: npm run bench -- [--quick] [--json] [--only ${Object.keys(SECTIONS).join(',')}] [--seed <n>]

  --quick   a fast smoke run: N=10, T=1 s, poll 0.5 s, 20 and 100 MiB downloads (about 1 min,
            plus about 3 min for the queue section: 20 jobs, T=2 s, a 50 MiB download)
  --json    print the report as JSON instead of a table
  --only    run only these sections (comma-separated)
  --seed    seed of the simulator's fault RNG for the rate-limit run (default ${FULL.rateLimit.seed})`;

interface Args {
	config: BenchConfig;
	json: boolean;
	only: string[];
	help: boolean;
}

function parseArgs(argv: string[]): Args {
	const { values } = util.parseArgs({
		args: argv,
		options: {
			quick: { type: 'boolean', default: false },
			json: { type: 'boolean', default: false },
			help: { type: 'boolean', short: 'h', default: false },
			only: { type: 'string' },
			seed: { type: 'string' },
		},
		strict: true,
		allowPositionals: false,
	});
	const only = values.only?.split(',').map((name) => name.trim().toLowerCase()) ?? Object.keys(SECTIONS);
	const unknown = only.filter((name) => !SECTIONS[name]);
	if (unknown.length) throw new Error(`Unknown section(s) ${unknown.join(', ')}\n\n${USAGE}`);
	if (values.seed !== undefined && !/^\d+$/.test(values.seed)) throw new Error(`--seed takes a whole number\n\n${USAGE}`);
	let config = values.quick ? QUICK : FULL;
	if (values.seed !== undefined) config = { ...config, rateLimit: { ...config.rateLimit, seed: Number(values.seed) } };
	return { config, json: values.json, only, help: values.help };
}

async function main(): Promise<number> {
	const args = parseArgs(process.argv.slice(2));
	if (args.help) {
		log(USAGE);
		return 0;
	}
	const { config } = args;
	const started = Date.now();
	const progress: Progress = (message) => logError(`[bench ${formatValue(Date.now() - started, 'ms')}] ${message}`);
	progress(`${config.mode} run, poll interval ${config.pollSeconds} s, T = ${config.generationMs / 1000} s`);
	const sections: Section[] = [];
	for (const name of args.only) sections.push(await SECTIONS[name](config, progress));
	const totalMs = Date.now() - started;
	const passed = allPassed(sections);
	if (args.json) {
		log(JSON.stringify({ config, sections, totalMs, passed, node: process.version }, null, 2));
	} else {
		log(`Wan VACE Inpaint benchmark (${config.mode}): poll interval ${config.pollSeconds} s, generation time T = ${config.generationMs / 1000} s, Node ${process.version}\n`);
		log(formatTable(sections));
		log(`Total ${formatValue(totalMs, 'ms')}: ${passed ? 'all targets met' : 'some targets missed'}.`);
	}
	return passed ? 0 : 1;
}

main()
	.then((code) => {
		process.exitCode = code;
	})
	.catch((error: unknown) => {
		logError(error instanceof Error ? (error.stack ?? error.message) : String(error));
		process.exitCode = 2;
	})
	.finally(() => fs.rmSync(N8N_USER_FOLDER, { recursive: true, force: true }));
