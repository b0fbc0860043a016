/**
 * HTTP control routes under /__sim/ for the standalone simulator: the same controls as
 * the in-process API. No API key, but only for clients on the loopback interface.
 */
import { CONTROL_PREFIX } from './constants';
import { checkOptions } from './options';
import { isLoopbackAddress, sendJson, type IncomingMessage, type ServerResponse } from './responses';
import type {
	FaultRule,
	GenerationRecord,
	RequestLogEntry,
	ResolvedSimulatorOptions,
	SimulatorCounters,
} from './types';

/** What the control routes need from a running simulator. */
export interface ControlTarget {
	readonly options: ResolvedSimulatorOptions;
	readonly log: RequestLogEntry[];
	readonly generations: Map<string, GenerationRecord>;
	addFault(rule: FaultRule): void;
	clearFaults(): void;
	faults(): unknown[];
	counters(): SimulatorCounters;
	reset(): void;
	refuseConnections(ms: number): Promise<void>;
}

export const CONTROL_ROUTES = [
	'GET    /__sim/                 this list',
	'GET    /__sim/faults           fault rules in force',
	'POST   /__sim/faults           add a fault rule (JSON FaultRule without match) or an array of them',
	'DELETE /__sim/faults           remove all fault rules',
	'GET    /__sim/log              every API request so far',
	'GET    /__sim/counters         request counters',
	'GET    /__sim/generations      generation records',
	'POST   /__sim/reset            clear log, counters, faults and generations',
	'GET    /__sim/options          current options',
	'PATCH  /__sim/options          change options, e.g. {"generationMs": 500}',
	'POST   /__sim/refuse           {"ms": 2000}: refuse connections for that long (answers first)',
];

class ControlError extends Error {
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}

function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** Runs fn; an error it throws becomes a 400 (the caller sent something unusable). */
function orBadRequest<T>(fn: () => T): T {
	let outcome: { value: T } | { problem: string };
	try {
		outcome = { value: fn() };
	} catch (error) {
		outcome = { problem: messageOf(error) };
	}
	if ('problem' in outcome) throw new ControlError(400, outcome.problem);
	return outcome.value;
}

function parseJsonObject(bytes: Buffer): Record<string, unknown> | unknown[] {
	const value: unknown = orBadRequest(() => (bytes.length === 0 ? {} : JSON.parse(bytes.toString('utf8'))));
	if (typeof value !== 'object' || value === null) throw new ControlError(400, 'Expected a JSON object');
	return value as Record<string, unknown> | unknown[];
}

function toFaultRule(value: unknown): FaultRule {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw new ControlError(400, 'A fault rule must be a JSON object');
	}
	if ('match' in value) throw new ControlError(400, '"match" (a function) can only be set in-process');
	return value as FaultRule;
}

export function handleControlRequest(
	target: ControlTarget,
	req: IncomingMessage,
	res: ServerResponse,
	url: URL,
	body: Buffer,
): void {
	if (!isLoopbackAddress(req.socket.remoteAddress)) {
		sendJson(res, 403, { message: 'The /__sim/ control routes only answer loopback clients' });
		return;
	}
	try {
		const route = `${req.method ?? 'GET'} ${url.pathname.slice(CONTROL_PREFIX.length).replace(/\/+$/, '')}`;
		switch (route) {
			case 'GET ':
				sendJson(res, 200, { routes: CONTROL_ROUTES });
				return;
			case 'GET faults':
				sendJson(res, 200, target.faults());
				return;
			case 'POST faults': {
				const payload = parseJsonObject(body);
				const rules = (Array.isArray(payload) ? payload : [payload]).map(toFaultRule);
				for (const rule of rules) orBadRequest(() => target.addFault(rule));
				sendJson(res, 201, target.faults());
				return;
			}
			case 'DELETE faults':
				target.clearFaults();
				sendJson(res, 200, target.faults());
				return;
			case 'GET log':
				sendJson(res, 200, target.log);
				return;
			case 'GET counters':
				sendJson(res, 200, target.counters());
				return;
			case 'GET generations':
				sendJson(res, 200, [...target.generations.values()]);
				return;
			case 'POST reset':
				target.reset();
				sendJson(res, 200, { reset: true });
				return;
			case 'GET options':
				sendJson(res, 200, target.options);
				return;
			case 'PATCH options': {
				const payload = parseJsonObject(body);
				if (Array.isArray(payload)) throw new ControlError(400, 'Expected a JSON object of options');
				if ('host' in payload || 'port' in payload) {
					throw new ControlError(400, 'host and port cannot change while running');
				}
				Object.assign(
					target.options,
					orBadRequest(() => checkOptions(payload)),
				);
				sendJson(res, 200, target.options);
				return;
			}
			case 'POST refuse': {
				const payload = parseJsonObject(body) as Record<string, unknown>;
				const ms = payload.ms;
				if (typeof ms !== 'number' || !(ms >= 0)) throw new ControlError(400, '"ms" must be a number >= 0');
				res.on('finish', () => void target.refuseConnections(ms));
				sendJson(res, 202, { refusingForMs: ms });
				return;
			}
			default:
				throw new ControlError(404, `No control route ${req.method} ${url.pathname}`);
		}
	} catch (error) {
		const status = error instanceof ControlError ? error.status : 500;
		sendJson(res, status, { message: messageOf(error) });
	}
}
