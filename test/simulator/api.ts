/** The AI/ML API routes: submit, poll, billing, and the result files (the "CDN"). */
import { http } from '../support/node';

import { handleCatalogue } from './catalogue';
import { handleLogs } from './usageLog';
import { BILLING_PATH, CATALOGUE_PATH, FILES_PREFIX, GENERATIONS_PATH, LOGS_PATH } from './constants';
import { Exchange, jsonResponder, type JsonReply, type Responder } from './exchange';
import { createsGeneration, faultLabel, type JobFaultRule } from './faults';
import { chargedCredits, creditsUsed, phaseAt, runningResponse, terminalResponse, usdOf } from './generations';
import { createLargeVideoStream, MP4_CONTENT_TYPE, sampleVideoBytes } from './media';
import {
	apiErrorBody,
	sendJson,
	type IncomingMessage,
	type RequestBody,
	type ServerResponse,
} from './responses';
import { probeInlineMask } from './maskProbe';
import { submitBodyErrors } from './schema';
import type { SimulatorState } from './state';
import type { GenerationRecord, JsonObject, RequestLogEntry, Route } from './types';

/** Strings kept in the log are cut to this length (generations keep the full body). */
const LOGGED_STRING_LIMIT = 64 * 1024;

export function classifyRoute(method: string, pathname: string): Route | 'unknown' {
	if (pathname === GENERATIONS_PATH) {
		if (method === 'POST') return 'submit';
		if (method === 'GET') return 'poll';
	}
	if (pathname === BILLING_PATH && method === 'GET') return 'billing';
	if (pathname === CATALOGUE_PATH && method === 'GET') return 'catalogue';
	if (pathname === LOGS_PATH && method === 'GET') return 'logs';
	if (pathname.startsWith(FILES_PREFIX) && (method === 'GET' || method === 'HEAD')) return 'download';
	return 'unknown';
}

type ParsedBody =
	| { kind: 'empty' }
	| { kind: 'json'; value: unknown }
	| { kind: 'invalid'; text: string; error: string };

function parseBody(bytes: Buffer): ParsedBody {
	if (bytes.length === 0) return { kind: 'empty' };
	const text = bytes.toString('utf8');
	try {
		return { kind: 'json', value: JSON.parse(text) as unknown };
	} catch (error) {
		return { kind: 'invalid', text, error: error instanceof Error ? error.message : String(error) };
	}
}

function shorten(text: string): string {
	return text.length <= LOGGED_STRING_LIMIT
		? text
		: `${text.slice(0, LOGGED_STRING_LIMIT)}…[${text.length - LOGGED_STRING_LIMIT} more characters]`;
}

function shortenStrings(value: unknown): unknown {
	if (typeof value === 'string') return shorten(value);
	if (Array.isArray(value)) return value.map(shortenStrings);
	if (typeof value === 'object' && value !== null) {
		return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shortenStrings(item)]));
	}
	return value;
}

function loggedBody(parsed: ParsedBody): unknown {
	if (parsed.kind === 'json') return shortenStrings(parsed.value);
	if (parsed.kind === 'invalid') return shorten(parsed.text);
	return undefined;
}

function isJsonContentType(req: IncomingMessage): boolean {
	return /^application\/([\w.+-]+\+)?json\b/i.test(req.headers['content-type'] ?? '');
}

export function handleApiRequest(
	state: SimulatorState,
	req: IncomingMessage,
	res: ServerResponse,
	url: URL,
	body: RequestBody,
): void {
	const method = req.method ?? 'GET';
	const route = classifyRoute(method, url.pathname);
	const parsed = parseBody(body.bytes);
	const entry: RequestLogEntry = {
		at: Date.now(),
		method,
		path: url.pathname,
		query: Object.fromEntries(url.searchParams),
		headers: { ...req.headers },
		body: loggedBody(parsed),
		route,
		status: null,
	};
	state.log.push(entry);
	res.on('close', () => (entry.closedAt = Date.now()));

	if (route === 'unknown') {
		entry.status = 404;
		sendJson(res, 404, apiErrorBody(404, url.pathname, `Cannot ${method} ${url.pathname}`));
		return;
	}
	const exchange = new Exchange(state, req, res, url, route, entry);
	switch (route) {
		case 'submit':
			handleSubmit(exchange, parsed, body.tooLarge);
			return;
		case 'poll':
			handlePoll(exchange);
			return;
		case 'billing':
			handleBilling(exchange);
			return;
		case 'download':
			handleDownload(exchange);
			return;
		case 'catalogue':
			handleCatalogue(exchange);
			return;
		case 'logs':
			handleLogs(exchange);
			return;
	}
}

function handleSubmit(exchange: Exchange, parsed: ParsedBody, tooLarge: boolean): void {
	const { state } = exchange;
	state.counters.posts += 1;
	if (!exchange.isAuthorized()) {
		exchange.sendApiError(401);
		return;
	}
	if (tooLarge) {
		exchange.sendApiError(413);
		return;
	}
	if (parsed.kind === 'invalid' && isJsonContentType(exchange.req)) {
		exchange.sendApiError(400, `Invalid JSON body: ${parsed.error}`, {
			errors: [{ field: 'body', message: parsed.error }],
		});
		return;
	}
	// Like the API's JSON body parser: a body that is not declared JSON is not read.
	const body = parsed.kind === 'json' && isJsonContentType(exchange.req) ? parsed.value : {};
	const errors = submitBodyErrors(body);
	if (errors.length > 0) {
		exchange.sendApiError(400, 'Body validation error!', { errors });
		return;
	}
	const requestBody = body as JsonObject;
	const fault = exchange.takeFault({ body: requestBody });

	let record: GenerationRecord | undefined;
	const create = (): GenerationRecord => {
		if (!record) {
			record = createGeneration(state, requestBody, exchange);
			exchange.entry.generationId = record.id;
			state.counters.acceptedPosts += 1;
		}
		return record;
	};
	if (fault && createsGeneration(fault)) create();

	const reply = (): JsonReply => {
		const created = create();
		return {
			status: state.options.submitStatusCode,
			body: { id: created.id, status: state.options.legacyStatuses ? 'waiting' : 'queued', meta: null },
			// Not the charge: that is recorded once the generation completes. What it is expected to cost.
			headers: traceHeaders(created, creditsUsed(created.body)),
		};
	};
	exchange.deliver(fault, jsonResponder(exchange, reply));
}

/** The X-Client-Request-Id AI/ML API accepts: 1-128 of A-Z a-z 0-9 . _ : - */
export const VALID_CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The header's value when valid; anything else is dropped without a word, as the API does. */
export function acceptedClientRequestId(req: IncomingMessage): string | null {
	const value = req.headers['x-client-request-id'];
	return typeof value === 'string' && VALID_CLIENT_REQUEST_ID.test(value) ? value : null;
}

/** x-inference-id (the generation id), the echoed client request id, and the cost headers. */
function traceHeaders(record: GenerationRecord, credits: number): Record<string, string> {
	return {
		'x-inference-id': record.id,
		...(record.clientRequestId ? { 'x-client-request-id': record.clientRequestId } : {}),
		'x-aimlapi-credits-used': String(credits),
		'x-aimlapi-usd-spent': String(usdOf(credits)),
	};
}

function createGeneration(state: SimulatorState, body: JsonObject, exchange: Exchange): GenerationRecord {
	const { options } = state;
	const record = state.generations.create({
		clientRequestId: acceptedClientRequestId(exchange.req),
		body,
		durationMs: options.generationMs * options.clockScale,
		queuedFraction: options.queuedFraction,
		videoSizeBytes: options.videoSizeBytes,
		now: Date.now(),
	});
	const jobFault = state.faults.takeJobFault(
		{ route: 'submit', method: 'POST', path: exchange.path, generationId: record.id, body },
		'submit',
	);
	if (jobFault) decideOutcome(record, jobFault);
	const maskProbe = probeInlineMask(body);
	if (maskProbe) record.maskProbe = maskProbe;
	return record;
}

function decideOutcome(record: GenerationRecord, jobFault: JobFaultRule | undefined): void {
	record.outcome = jobFault ? jobFault.kind : 'success';
	record.outcomeFault = jobFault;
}

function handlePoll(exchange: Exchange): void {
	const { state } = exchange;
	state.counters.gets += 1;
	const id = exchange.url.searchParams.get('generation_id');
	if (id) {
		state.counters.getsByGeneration[id] = (state.counters.getsByGeneration[id] ?? 0) + 1;
		exchange.entry.generationId = id;
	}
	if (!exchange.isAuthorized()) {
		exchange.sendApiError(401);
		return;
	}
	if (!id) {
		exchange.sendApiError(400, 'Query validation error!', {
			errors: [{ field: 'generation_id', message: "must have required property 'generation_id'" }],
		});
		return;
	}
	const record = state.generations.get(id);
	const fault = exchange.takeFault({ generationId: id, body: record?.body });
	exchange.deliver(
		fault,
		jsonResponder(exchange, () =>
			record
				? pollReply(exchange, record)
				: { status: 404, body: apiErrorBody(404, exchange.path, 'Generation not found') },
		),
	);
}

function pollReply(exchange: Exchange, record: GenerationRecord): JsonReply {
	const { state } = exchange;
	const now = Date.now();
	if (phaseAt(record, now) !== 'finished') {
		// Nothing is charged before completion.
		return { status: 200, body: runningResponse(record, now, state.options.legacyStatuses), headers: traceHeaders(record, 0) };
	}
	if (record.outcome === 'pending') {
		const jobFault = state.faults.takeJobFault(
			{ route: 'poll', method: 'GET', path: exchange.path, generationId: record.id, body: record.body },
			'poll',
		);
		decideOutcome(record, jobFault);
	}
	record.completedObservedAt ??= now;
	if (record.outcomeFault) exchange.entry.fault ??= faultLabel(record.outcomeFault);
	return { status: 200, body: terminalResponse(record, exchange.publicOrigin), headers: traceHeaders(record, chargedCredits(record)) };
}

function handleBilling(exchange: Exchange): void {
	exchange.state.counters.billing += 1;
	if (!exchange.isAuthorized()) {
		exchange.sendApiError(401);
		return;
	}
	const fault = exchange.takeFault({});
	exchange.deliver(
		fault,
		jsonResponder(exchange, () => ({
			status: 200,
			body: {
				balance: 551564495,
				lowBalance: false,
				lowBalanceThreshold: 10000,
				lastUpdated: new Date().toISOString(),
				autoDebitStatus: 'disabled',
				status: 'current',
				statusExplanation: 'Balance is current and up to date',
			},
		})),
	);
}

const RESULT_FILE = /^\/files\/(large\/)?([0-9a-f-]{36})\.mp4$/i;

function handleDownload(exchange: Exchange): void {
	const { state } = exchange;
	state.counters.downloads += 1;
	const match = RESULT_FILE.exec(exchange.path);
	const record = match ? state.generations.getByFileId(match[2].toLowerCase()) : undefined;
	if (record) exchange.entry.generationId = record.id;
	const fault = exchange.takeFault({ generationId: record?.id, body: record?.body });
	exchange.deliver(fault, fileResponder(exchange, record, match?.[1] !== undefined));
}

function hasVideo(record: GenerationRecord | undefined): record is GenerationRecord {
	return (
		record !== undefined &&
		phaseAt(record, Date.now()) === 'finished' &&
		(record.outcome === 'pending' || record.outcome === 'success')
	);
}

/** Like a CDN: plain-text errors, the video as video/mp4 with its exact length. */
function fileResponder(exchange: Exchange, record: GenerationRecord | undefined, large: boolean): Responder {
	const sendFile = (cut: boolean, chunked = false): void => {
		if (!hasVideo(record)) {
			exchange.sendText(404, 'Not Found');
			return;
		}
		if (!large) {
			const bytes = sampleVideoBytes();
			if (cut) exchange.sendCut(200, bytes, MP4_CONTENT_TYPE, chunked);
			else exchange.sendBytes(200, bytes, MP4_CONTENT_TYPE);
			return;
		}
		const size = record.videoSizeBytes;
		const source = createLargeVideoStream(size, cut ? Math.floor(size / 2) : size);
		const headers: Record<string, string | number> = { 'Content-Type': MP4_CONTENT_TYPE };
		if (!chunked) headers['Content-Length'] = size;
		exchange.sendStream(200, headers, source, cut && !chunked);
	};
	return {
		sendNormal: () => sendFile(false),
		sendCut: (chunked) => sendFile(true, chunked),
		sendError(status, headers, body) {
			const text = typeof body === 'string' ? body : (http.STATUS_CODES[status] ?? `HTTP ${status}`);
			exchange.sendText(status, text, undefined, headers);
		},
		// A CDN answering 200 with an error page: no half-file variant.
		truncatedBody: () => undefined,
	};
}
