/**
 * What went wrong with one HTTP call, reduced to plain data. The original error objects
 * of the HTTP client carry the request configuration (the Authorization header among it),
 * so they are never rethrown or stored: only this summary is.
 */
export interface HttpFailure {
	/** HTTP status when the server answered. */
	status?: number;
	/** Node.js / HTTP client error code when it did not (ECONNREFUSED, ETIMEDOUT...). */
	code?: string;
	/** Milliseconds the server asked us to wait (Retry-After). */
	retryAfterMs?: number;
	/** The API's own message, when its body had one. */
	apiMessage?: string;
	/** Fields the API named as invalid (400/422 bodies). */
	fields: string[];
	/** Response body, reduced to JSON-safe data and truncated. */
	body?: unknown;
	/** The request was aborted because the execution was cancelled. */
	cancelled: boolean;
}

/** Connection errors that prove the request never reached the server. */
const NOT_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENETDOWN',
]);

const NETWORK_CODES = new Set([
	...NOT_SENT_CODES,
	'ECONNRESET',
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'ERR_STREAM_PREMATURE_CLOSE',
	'UND_ERR_SOCKET',
	'ERR_BAD_RESPONSE',
]);

const TRANSIENT_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);

type Dict = Record<string, unknown>;

function isDict(value: unknown): value is Dict {
	return typeof value === 'object' && value !== null;
}

/** Walks an error and the errors it wraps (`cause`, `reason`), outermost first. */
function errorChain(error: unknown): Dict[] {
	const chain: Dict[] = [];
	let current: unknown = error;
	while (isDict(current) && !chain.includes(current) && chain.length < 8) {
		chain.push(current);
		current = current.cause ?? current.reason;
	}
	return chain;
}

export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	if (Array.isArray(value)) value = value[0];
	if (typeof value === 'number' && Number.isFinite(value)) return Math.max(0, value * 1000);
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	const seconds = Number(value.trim());
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A response header by its lower-case name, from a plain object or a Headers-like map. */
export function headerValue(headers: unknown, name: string): unknown {
	if (!isDict(headers)) return undefined;
	const getter = (headers as { get?: unknown }).get;
	if (typeof getter === 'function') {
		const value = (getter as (key: string) => unknown).call(headers, name);
		if (value !== undefined && value !== null) return value;
	}
	const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
	return key === undefined ? undefined : headers[key];
}

const MAX_TEXT = 500;

function truncate(text: string, max = MAX_TEXT): string {
	return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** JSON-safe copy of a response body: strings truncated, depth and size bounded. */
function plainBody(body: unknown, depth = 0): unknown {
	if (body === null || body === undefined) return body;
	if (typeof body === 'string') return truncate(body);
	if (typeof body === 'number' || typeof body === 'boolean') return body;
	if (depth > 4) return '[…]';
	if (Array.isArray(body)) return body.slice(0, 20).map((entry) => plainBody(entry, depth + 1));
	if (isDict(body)) {
		if (typeof (body as { pipe?: unknown }).pipe === 'function') return '[stream]';
		const copy: Dict = {};
		for (const [key, value] of Object.entries(body).slice(0, 30)) copy[key] = plainBody(value, depth + 1);
		return copy;
	}
	return String(body);
}

function fieldName(location: unknown): string | undefined {
	if (Array.isArray(location)) {
		const parts = location.filter((part) => part !== 'body').map(String);
		return parts.length ? parts.join('.') : undefined;
	}
	if (typeof location === 'string' && location.trim()) return location.replace(/^[/.]+/, '').replace(/\//g, '.');
	return undefined;
}

/** Reads "which field is wrong" out of the error bodies AI/ML API and its upstreams send. */
export function describeFieldErrors(body: unknown): string[] {
	if (!isDict(body)) return [];
	const found: string[] = [];
	const lists = [body.errors, body.detail, body.details, isDict(body.error) ? body.error.detail : undefined, body.meta];
	for (const list of lists) {
		if (!Array.isArray(list)) continue;
		for (const entry of list) {
			if (!isDict(entry)) continue;
			const field = fieldName(entry.field ?? entry.loc ?? entry.path ?? entry.property ?? entry.instancePath);
			const message = entry.msg ?? entry.message;
			if (field || typeof message === 'string') {
				found.push([field, typeof message === 'string' ? message : undefined].filter(Boolean).join(': '));
			}
		}
	}
	return found.slice(0, 10);
}

/** The message an API error body carries, from the shapes AI/ML API is known to use. */
export function apiMessageOf(body: unknown): string | undefined {
	if (typeof body === 'string') {
		const text = body.trim();
		return text ? truncate(text, 300) : undefined;
	}
	if (!isDict(body)) return undefined;
	const candidates = [body.message, isDict(body.error) ? body.error.message : body.error, body.detail, body.title];
	for (const candidate of candidates) {
		if (typeof candidate === 'string' && candidate.trim()) return truncate(candidate.trim(), 300);
		if (Array.isArray(candidate) && candidate.length) {
			const messages = describeFieldErrors({ detail: candidate });
			if (messages.length) return messages.join('; ');
		}
		if (Array.isArray(candidate) && typeof candidate[0] === 'string') return truncate(candidate.join('; '), 300);
	}
	return undefined;
}

export function toHttpFailure(error: unknown): HttpFailure {
	const failure: HttpFailure = { fields: [], cancelled: false };
	const chain = errorChain(error);
	const response = chain
		.map((link) => link.response)
		.find((candidate): candidate is Dict => isDict(candidate) && typeof candidate.status === 'number');
	if (response) {
		failure.status = response.status as number;
		failure.body = plainBody(response.data ?? response.body);
		failure.retryAfterMs = parseRetryAfter(headerValue(response.headers, 'retry-after'));
	}
	for (const link of chain) {
		if (failure.status === undefined && typeof link.httpCode === 'string' && /^\d{3}$/.test(link.httpCode)) {
			failure.status = Number(link.httpCode);
		}
		if (!failure.code && typeof link.code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(link.code)) {
			failure.code = link.code;
		}
		if (link.code === 'ERR_CANCELED' || link.name === 'CanceledError' || link.name === 'AbortError') {
			failure.cancelled = true;
		}
	}
	if (failure.code === 'ERR_CANCELED') failure.code = undefined;
	if (failure.status !== undefined) {
		failure.apiMessage = apiMessageOf(failure.body);
		failure.fields = describeFieldErrors(failure.body);
		if (failure.code === 'ERR_BAD_REQUEST' || failure.code === 'ERR_BAD_RESPONSE') failure.code = undefined;
	}
	return failure;
}

/** True when the request provably never reached AI/ML API (so retrying cannot pay twice). */
export function wasNotSent(failure: HttpFailure): boolean {
	return failure.status === undefined && failure.code !== undefined && NOT_SENT_CODES.has(failure.code);
}

/** Worth retrying a read (poll, download): the next attempt may well succeed. */
export function isTransient(failure: HttpFailure): boolean {
	if (failure.cancelled) return false;
	if (failure.status !== undefined) return TRANSIENT_STATUSES.has(failure.status);
	return failure.code === undefined || NETWORK_CODES.has(failure.code);
}

/**
 * Worth retrying a submission: only when no generation can have been created, i.e. the
 * request never left, or the API refused it up front (429 rate limit, 503 unavailable).
 */
export function isSafeToResubmit(failure: HttpFailure): boolean {
	return wasNotSent(failure) || failure.status === 429 || failure.status === 503;
}

const NETWORK_EXPLANATIONS: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	ENOTFOUND: 'the host name could not be resolved',
	EAI_AGAIN: 'the host name could not be resolved (DNS failure)',
	EHOSTUNREACH: 'the host is unreachable',
	ENETUNREACH: 'the network is unreachable',
	ECONNRESET: 'the connection was closed unexpectedly',
	ECONNABORTED: 'the request timed out',
	ETIMEDOUT: 'the request timed out',
	EPIPE: 'the connection was closed while sending',
	ERR_STREAM_PREMATURE_CLOSE: 'the connection closed before the response was complete',
};

/** One line saying what happened, e.g. "HTTP 429: Too many requests". */
export function summarizeFailure(failure: HttpFailure): string {
	if (failure.cancelled) return 'the execution was cancelled';
	if (failure.status !== undefined) {
		return `HTTP ${failure.status}${failure.apiMessage ? `: ${failure.apiMessage}` : ''}`;
	}
	if (failure.code) return `${NETWORK_EXPLANATIONS[failure.code] ?? 'network error'} (${failure.code})`;
	return 'the request failed without a response';
}
