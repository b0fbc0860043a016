/** Simulator options: defaults and checks, shared by startSimulator, the CLI and PATCH /__sim/options. */
import { DEFAULT_SIMULATOR_KEY } from './constants';
import { sampleVideoBytes } from './media';
import type { ResolvedSimulatorOptions, SimulatorOptions } from './types';

export function defaultOptions(): ResolvedSimulatorOptions {
	return {
		host: '127.0.0.1',
		port: 0,
		apiKey: DEFAULT_SIMULATOR_KEY,
		generationMs: 3000,
		queuedFraction: 0.2,
		clockScale: 1,
		submitStatusCode: 201,
		legacyStatuses: false,
		videoSizeBytes: sampleVideoBytes().length,
		seed: 1,
		pricingKind: 'variants',
		logsDelayMs: 0,
	};
}

type OptionCheck = (value: unknown) => string | undefined;

const isNumberAtLeast =
	(minimum: number, integer = false): OptionCheck =>
	(value) =>
		typeof value === 'number' &&
		Number.isFinite(value) &&
		value >= minimum &&
		(!integer || Number.isInteger(value))
			? undefined
			: `must be ${integer ? 'an integer' : 'a number'} >= ${minimum}`;

const OPTION_CHECKS: Record<keyof SimulatorOptions, OptionCheck> = {
	host: (value) => (typeof value === 'string' && value !== '' ? undefined : 'must be a non-empty string'),
	port: (value) =>
		Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 65535
			? undefined
			: 'must be a port number',
	apiKey: (value) => (typeof value === 'string' && value !== '' ? undefined : 'must be a non-empty string'),
	generationMs: isNumberAtLeast(0),
	queuedFraction: (value) =>
		typeof value === 'number' && value >= 0 && value <= 1 ? undefined : 'must be a number between 0 and 1',
	clockScale: isNumberAtLeast(0),
	submitStatusCode: (value) => (value === 200 || value === 201 ? undefined : 'must be 200 or 201'),
	legacyStatuses: (value) => (typeof value === 'boolean' ? undefined : 'must be true or false'),
	videoSizeBytes: isNumberAtLeast(1, true),
	seed: isNumberAtLeast(0, true),
	pricingKind: (value) => (['variants', 'fixed', 'variable', 'none'].includes(value as string) ? undefined : 'must be variants, fixed, variable or none'),
	logsDelayMs: isNumberAtLeast(0),
};

/** Throws on an unknown option or a bad value; undefined values are left out. */
export function checkOptions(changes: Record<string, unknown>): Partial<ResolvedSimulatorOptions> {
	const checked: Record<string, unknown> = {};
	for (const [name, value] of Object.entries(changes)) {
		if (value === undefined) continue;
		const check = OPTION_CHECKS[name as keyof SimulatorOptions];
		if (!check) throw new Error(`Unknown simulator option "${name}"`);
		const problem = check(value);
		if (problem) throw new Error(`Simulator option "${name}" ${problem} (got ${JSON.stringify(value)})`);
		checked[name] = value;
	}
	return checked as Partial<ResolvedSimulatorOptions>;
}

export function resolveOptions(options: SimulatorOptions = {}): ResolvedSimulatorOptions {
	return { ...defaultOptions(), ...checkOptions({ ...options }) };
}
