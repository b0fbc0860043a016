/** Fault rules: which requests (or jobs) go wrong, and how. */
import type { FaultKind, FaultMatchInput, FaultRoute, FaultRule, JobFaultKind } from './types';

const ROUTES: readonly FaultRoute[] = ['submit', 'poll', 'download', 'billing', 'catalogue', 'logs', 'any'];
const JOB_FAULT_KINDS: readonly JobFaultKind[] = ['jobError', 'jobErrorDetail', 'completedNoVideo'];
const FAULT_KINDS: readonly FaultKind[] = [
	'status',
	'reset',
	'hang',
	'badJson',
	'missingFields',
	'downloadCut',
	'redirect',
	...JOB_FAULT_KINDS,
];

/** Submit statuses after which the real API may already have started (and billed) the job. */
const STATUSES_AFTER_ACCEPTANCE = new Set([500, 502, 504]);

export type JobFaultRule = FaultRule & { kind: JobFaultKind };

export function isJobFault(rule: FaultRule): rule is JobFaultRule {
	return (JOB_FAULT_KINDS as readonly string[]).includes(rule.kind);
}

/** Whether a submit fault creates the generation before breaking the response. */
export function createsGeneration(rule: FaultRule): boolean {
	if (rule.accepted !== undefined) return rule.accepted;
	switch (rule.kind) {
		case 'status':
			return STATUSES_AFTER_ACCEPTANCE.has(rule.status ?? 0);
		case 'reset':
		case 'hang':
		case 'badJson':
		case 'missingFields':
		case 'downloadCut':
			return true;
		default:
			return false;
	}
}

export function faultLabel(rule: FaultRule): string {
	if (rule.label) return rule.label;
	return rule.kind === 'status' ? `status:${rule.status}` : rule.kind;
}

/** Throws on a rule that could not do what it says. */
export function validateFaultRule(rule: FaultRule): void {
	if (!ROUTES.includes(rule.route))
		throw new Error(`Unknown fault route "${rule.route}" (use ${ROUTES.join(', ')})`);
	if (!FAULT_KINDS.includes(rule.kind))
		throw new Error(`Unknown fault kind "${rule.kind}" (use ${FAULT_KINDS.join(', ')})`);
	const status = rule.status ?? 0;
	if (rule.kind === 'status' && !(Number.isInteger(status) && status >= 100 && status <= 599)) {
		throw new Error('A "status" fault needs an HTTP status between 100 and 599');
	}
	if (isJobFault(rule) && rule.route !== 'submit' && rule.route !== 'poll' && rule.route !== 'any') {
		throw new Error(`"${rule.kind}" decides how a job ends: use route submit, poll or any`);
	}
	if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times >= 0)) {
		throw new Error('"times" must be a whole number >= 0');
	}
	if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) {
		throw new Error('"probability" must be between 0 and 1');
	}
	if (rule.hangMs !== undefined && !(rule.hangMs >= 0)) throw new Error('"hangMs" must be >= 0');
	if (rule.match !== undefined && typeof rule.match !== 'function')
		throw new Error('"match" must be a function');
}

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

interface ActiveRule {
	rule: FaultRule;
	remaining: number;
}

/**
 * Keeps the rules in the order they were added; for each request the first rule that
 * applies fires. A rule applies when its route matches, it has uses left, its `match`
 * accepts the request and (last, so the RNG is drawn only for candidates) the seeded
 * draw falls under its probability.
 */
export class FaultEngine {
	private active: ActiveRule[] = [];
	private random: () => number;

	constructor(seed: number) {
		this.random = seededRandom(seed);
	}

	reseed(seed: number): void {
		this.random = seededRandom(seed);
	}

	add(rule: FaultRule): void {
		validateFaultRule(rule);
		this.active.push({ rule, remaining: rule.times ?? Infinity });
	}

	clear(): void {
		this.active = [];
	}

	/** The rules still in force, with how many uses each has left. */
	list(): Array<FaultRule & { remaining: number | null }> {
		return this.active.map(({ rule, remaining }) => ({
			...rule,
			remaining: Number.isFinite(remaining) ? remaining : null,
		}));
	}

	/** The response fault for this request, if one fires; it is used up. */
	takeResponseFault(
		request: FaultMatchInput,
		applies: (rule: FaultRule) => boolean = () => true,
	): FaultRule | undefined {
		return this.take(
			request,
			(rule) => !isJobFault(rule) && routeMatches(rule.route, request.route) && applies(rule),
		);
	}

	/**
	 * The job fault that decides how a generation ends, if one fires. `at` is 'submit'
	 * when the generation is created (rules on route submit) or 'poll' when a poll first
	 * finds it finished (rules on routes poll and any).
	 */
	takeJobFault(request: FaultMatchInput, at: 'submit' | 'poll'): JobFaultRule | undefined {
		const rule = this.take(
			request,
			(candidate) =>
				isJobFault(candidate) &&
				(at === 'submit' ? candidate.route === 'submit' : candidate.route !== 'submit'),
		);
		return rule && isJobFault(rule) ? rule : undefined;
	}

	private take(request: FaultMatchInput, eligible: (rule: FaultRule) => boolean): FaultRule | undefined {
		for (const entry of this.active) {
			const { rule } = entry;
			if (entry.remaining <= 0 || !eligible(rule)) continue;
			if (rule.match && !rule.match(request)) continue;
			if (rule.probability !== undefined && rule.probability < 1 && !(this.random() < rule.probability))
				continue;
			entry.remaining -= 1;
			if (entry.remaining <= 0) this.active = this.active.filter((other) => other !== entry);
			return rule;
		}
		return undefined;
	}
}

function routeMatches(ruleRoute: FaultRoute, route: FaultMatchInput['route']): boolean {
	return ruleRoute === 'any' || ruleRoute === route;
}
