/** Command-line flags and environment variables of the standalone simulator (cli.ts). */
import { util } from '../support/node';

import type { SimulatorOptions } from './types';

export const CLI_DEFAULT_PORT = 8787;

export const CLI_USAGE = `Usage: npm run simulator -- [flags]

  --host <address>         interface to listen on (env SIM_HOST, default 127.0.0.1)
  --port <n>               port, 0 for any free one (env SIM_PORT, default ${CLI_DEFAULT_PORT})
  --key <api key>          the accepted API key (env SIM_API_KEY)
  --generation-ms <ms>     time from submit to completed (env SIM_GENERATION_MS, default 3000)
  --video-size <bytes>     result video size, e.g. 300MB or 1GB (env SIM_VIDEO_SIZE, default: the MP4 fixture)
  --clock-scale <factor>   multiplies generation and hang times (env SIM_CLOCK_SCALE)
  --queued-fraction <0-1>  share of the generation time spent queued (env SIM_QUEUED_FRACTION)
  --submit-status <200|201>  status of an accepted submit (env SIM_SUBMIT_STATUS)
  --legacy-statuses        report waiting/active/processing instead of queued/generating (env SIM_LEGACY_STATUSES=1)
  --seed <n>               seed of probabilistic faults (env SIM_SEED)
  --help                   this text`;

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** "1048576", "300MB", "1g", "512 KiB" -> bytes (binary units). */
export function parseByteSize(text: string): number {
	const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?\s*$/i.exec(text);
	if (!match) throw new Error(`Not a size: "${text}" (use e.g. 1048576, 300MB, 1GB)`);
	return Math.round(Number(match[1]) * SIZE_UNITS[match[2].toLowerCase()]);
}

function parseNumber(name: string, text: string): number {
	const value = Number(text);
	if (text.trim() === '' || !Number.isFinite(value))
		throw new Error(`${name} must be a number, got "${text}"`);
	return value;
}

interface FlagSpec {
	env: string;
	boolean?: boolean;
	apply(options: SimulatorOptions, value: string): void;
}

const FLAGS: Record<string, FlagSpec> = {
	host: { env: 'SIM_HOST', apply: (o, v) => (o.host = v) },
	port: { env: 'SIM_PORT', apply: (o, v) => (o.port = parseNumber('--port', v)) },
	key: { env: 'SIM_API_KEY', apply: (o, v) => (o.apiKey = v) },
	'generation-ms': {
		env: 'SIM_GENERATION_MS',
		apply: (o, v) => (o.generationMs = parseNumber('--generation-ms', v)),
	},
	'video-size': { env: 'SIM_VIDEO_SIZE', apply: (o, v) => (o.videoSizeBytes = parseByteSize(v)) },
	'clock-scale': {
		env: 'SIM_CLOCK_SCALE',
		apply: (o, v) => (o.clockScale = parseNumber('--clock-scale', v)),
	},
	'queued-fraction': {
		env: 'SIM_QUEUED_FRACTION',
		apply: (o, v) => (o.queuedFraction = parseNumber('--queued-fraction', v)),
	},
	'submit-status': {
		env: 'SIM_SUBMIT_STATUS',
		apply: (o, v) => (o.submitStatusCode = parseNumber('--submit-status', v) as 200 | 201),
	},
	'legacy-statuses': {
		env: 'SIM_LEGACY_STATUSES',
		boolean: true,
		apply: (o, v) => (o.legacyStatuses = !/^(0|false|no|off)$/i.test(v)),
	},
	seed: { env: 'SIM_SEED', apply: (o, v) => (o.seed = parseNumber('--seed', v)) },
};

export interface CliArgs {
	options: SimulatorOptions;
	help: boolean;
}

/** Environment first, flags over it. Throws on an unknown flag or a bad value. */
export function parseCliArgs(argv: readonly string[], env: Record<string, string | undefined>): CliArgs {
	const options: SimulatorOptions = { port: CLI_DEFAULT_PORT };
	for (const spec of Object.values(FLAGS)) {
		const value = env[spec.env];
		if (value !== undefined && value !== '') spec.apply(options, value);
	}
	let values: Record<string, string | boolean | undefined> = {};
	let parseError: Error | undefined;
	try {
		({ values } = util.parseArgs({
			args: [...argv],
			options: {
				help: { type: 'boolean', short: 'h' },
				...Object.fromEntries(Object.entries(FLAGS).map(([name, spec]) => [name, { type: spec.boolean ? ('boolean' as const) : ('string' as const) }])),
			},
			strict: true,
		}));
	} catch (error) {
		parseError = error as Error;
	}
	if (parseError) throw new Error(`Unknown argument: ${parseError.message}\n\n${CLI_USAGE}`);
	const help = values.help === true;
	for (const [name, value] of Object.entries(values)) {
		const spec = FLAGS[name];
		if (spec && value !== undefined) spec.apply(options, String(value));
	}
	return { options, help };
}
