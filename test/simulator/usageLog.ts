/**
 * GET /v2/logs: one row per generation request, newest first, with its ids and cost
 * (openapi-logs-v2.json). Every parameter and validation error of the reference; pagination;
 * 429 over 200 requests in 60 s; a row shows only `logsDelayMs` after its request (the
 * analytics pipeline), and its cost once the generation has completed.
 */
import { MODEL_ID } from './constants';
import type { Exchange } from './exchange';
import { jsonResponder } from './exchange';
import { chargedCredits, phaseAt, usdOf } from './generations';
import type { GenerationRecord, JsonObject } from './types';

export const LOGS_RATE_LIMIT = 200;
export const LOGS_RATE_WINDOW_MS = 60_000;
const DAY_MS = 86_400_000;

/** Arrival times of recent /v2/logs requests, per simulator (sliding window). */
const recent = new WeakMap<object, number[]>();

type Query = { from: number; to: number; models: string[]; statuses: string[]; limit: number; offset: number };

function parseQuery(url: URL, now: number): Query | { error: string; field: string } {
	const params = url.searchParams;
	const period = params.get('period');
	const start = params.get('start');
	const end = params.get('end');
	let from = now - DAY_MS;
	let to = now;
	if (period !== null && (start !== null || end !== null)) return { field: 'period', error: 'Provide either period or start and end, not both' };
	if (period !== null) {
		const match = /^([1-9]\d*)([hd])$/.exec(period);
		if (!match) return { field: 'period', error: 'period must be a positive integer followed by h or d' };
		from = now - Number(match[1]) * (match[2] === 'h' ? 3_600_000 : DAY_MS);
	} else if (start !== null || end !== null) {
		if (start === null || end === null) return { field: start === null ? 'start' : 'end', error: 'start and end must be used together' };
		const utc = (text: string) => Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
		from = utc(start);
		to = utc(end);
		if (Number.isNaN(from) || Number.isNaN(to)) return { field: Number.isNaN(from) ? 'start' : 'end', error: 'must be an ISO-8601 date' };
		if (to < from) return { field: 'end', error: 'end must not be earlier than start' };
		if (to - from > 92 * DAY_MS) return { field: 'end', error: 'the window must not exceed 92 days' };
	}
	const models = params.getAll('model');
	if (models.length > 50) return { field: 'model', error: 'at most 50 model values' };
	const statuses = params.getAll('status');
	if (statuses.some((status) => status !== 'succeeded' && status !== 'failed')) return { field: 'status', error: 'status must be succeeded or failed' };
	const limitText = params.get('limit') ?? '50';
	const offsetText = params.get('offset') ?? '0';
	if (!/^\d+$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 100) return { field: 'limit', error: 'limit must be an integer from 1 to 100' };
	if (!/^\d+$/.test(offsetText)) return { field: 'offset', error: 'offset must be an integer >= 0' };
	return { from, to, models, statuses, limit: Number(limitText), offset: Number(offsetText) };
}

function rowOf(record: GenerationRecord, now: number): JsonObject {
	const finished = phaseAt(record, now) === 'finished';
	const failed = record.outcome === 'jobError' || record.outcome === 'jobErrorDetail';
	const credits = finished ? chargedCredits({ ...record, outcome: record.outcome === 'pending' ? 'success' : record.outcome }) : 0;
	return {
		created: new Date(record.createdAt).toISOString(),
		status: failed ? 'failed' : 'succeeded',
		origin: 'api',
		model: MODEL_ID,
		cost: { usd: usdOf(credits), credits },
		tokens: { input: 0, output: 0, total: 0 },
		request_id: `req-${record.fileId.slice(0, 8)}`,
		inference_id: record.id,
		client_request_id: record.clientRequestId,
	};
}

export function handleLogs(exchange: Exchange): void {
	const { state, url } = exchange;
	state.counters.logs += 1;
	if (!exchange.isAuthorized()) {
		exchange.sendApiError(401);
		return;
	}
	const now = Date.now();
	const times = (recent.get(state) ?? []).filter((at) => at > now - LOGS_RATE_WINDOW_MS);
	times.push(now);
	recent.set(state, times);
	if (times.length > LOGS_RATE_LIMIT) {
		exchange.sendApiError(429, 'Too many requests', undefined, { 'Retry-After': String(Math.ceil((times[0] + LOGS_RATE_WINDOW_MS - now) / 1000)) });
		return;
	}
	const query = parseQuery(url, now);
	if ('error' in query) {
		exchange.sendApiError(400, 'Query validation error!', { errors: [{ field: query.field, message: query.error }] });
		return;
	}
	const fault = exchange.takeFault({});
	exchange.deliver(
		fault,
		jsonResponder(exchange, () => {
			const rows = [...state.generations.records.values()]
				.filter((record) => record.createdAt + state.options.logsDelayMs <= now)
				.filter((record) => record.createdAt >= query.from && record.createdAt <= query.to)
				.map((record) => rowOf(record, now))
				.filter((row) => query.models.length === 0 || query.models.includes(String(row.model)))
				.filter((row) => query.statuses.length === 0 || query.statuses.includes(String(row.status)))
				.sort((a, b) => String(b.created).localeCompare(String(a.created)));
			const page = rows.slice(query.offset, query.offset + query.limit);
			return {
				status: 200,
				body: { data: page, pagination: { limit: query.limit, offset: query.offset, total: rows.length, has_more: query.offset + page.length < rows.length } },
			};
		}),
	);
}

/** Forgets the rate-limit window (sim.reset()). */
export function resetLogsRate(state: object): void {
	recent.delete(state);
}
