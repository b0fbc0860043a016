/**
 * One API request and its response: every byte the simulator sends for an API route
 * goes through here, so the log entry always knows the status, and faults are applied
 * the same way on every route.
 */
import { http, stream } from '../support/node';

import { faultLabel } from './faults';
import {
	apiErrorBody,
	jsonBytes,
	JSON_TYPE,
	resetConnection,
	type Headers,
	type IncomingMessage,
	type ServerResponse,
} from './responses';
import type { SimulatorState } from './state';
import type { FaultMatchInput, FaultRule, RequestLogEntry, Route } from './types';

type Readable = InstanceType<typeof stream.Readable>;

/** How a route answers: normally, and in the shapes faults need. */
export interface Responder {
	sendNormal(): void;
	sendError(status: number, headers: Headers, body?: unknown): void;
	/**
	 * Full Content-Length announced, half the body sent, connection closed. chunked: half the
	 * body without Content-Length, ending cleanly (only an announced file size shows the loss).
	 */
	sendCut(chunked?: boolean): void;
	/** The normal body cut in half (with a matching Content-Length), for badJson 'truncated'. */
	truncatedBody(): { bytes: Buffer; contentType: string } | undefined;
}

export interface JsonReply {
	status: number;
	body: unknown;
	headers?: Headers;
}

const UPSTREAM_ERROR_PAGE = '<html>upstream error</html>';

export class Exchange {
	constructor(
		readonly state: SimulatorState,
		readonly req: IncomingMessage,
		readonly res: ServerResponse,
		readonly url: URL,
		readonly route: Route,
		readonly entry: RequestLogEntry,
	) {}

	get path(): string {
		return this.url.pathname;
	}

	get headOnly(): boolean {
		return this.req.method === 'HEAD';
	}

	/** Origin for URLs handed back to the client: the one it reached us by. */
	get publicOrigin(): string {
		const host = this.req.headers.host;
		return host ? `http://${host}` : this.state.baseUrl;
	}

	isAuthorized(): boolean {
		const match = /^Bearer\s+(\S+)\s*$/i.exec(this.req.headers.authorization ?? '');
		return match !== null && match[1] === this.state.options.apiKey;
	}

	sendBytes(status: number, bytes: Buffer, contentType: string, headers: Headers = {}): void {
		this.writeHead(status, { 'Content-Type': contentType, 'Content-Length': bytes.length, ...headers });
		this.res.end(this.headOnly ? undefined : bytes);
	}

	sendJson(status: number, body: unknown, headers: Headers = {}): void {
		this.sendBytes(status, jsonBytes(body), JSON_TYPE, headers);
	}

	/** AI/ML API's error body for status, on this request's path. */
	sendApiError(
		status: number,
		message?: string,
		extra?: Record<string, unknown>,
		headers: Headers = {},
	): void {
		this.sendJson(status, apiErrorBody(status, this.path, message, extra), headers);
	}

	sendText(
		status: number,
		text: string,
		contentType = 'text/plain; charset=utf-8',
		headers: Headers = {},
	): void {
		this.sendBytes(status, Buffer.from(text, 'utf8'), contentType, headers);
	}

	sendCut(status: number, bytes: Buffer, contentType: string, chunked = false): void {
		if (chunked) {
			this.writeHead(status, { 'Content-Type': contentType });
			this.res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
			this.res.end();
			return;
		}
		this.writeHead(status, { 'Content-Type': contentType, 'Content-Length': bytes.length });
		this.res.on('finish', () => this.res.socket?.destroy());
		this.res.end(bytes.subarray(0, Math.floor(bytes.length / 2)));
	}

	/**
	 * Streams source with backpressure. cut: the source is shorter than the announced
	 * Content-Length; the connection is closed once it has been sent.
	 */
	sendStream(status: number, headers: Headers, source: Readable, cut = false): void {
		this.writeHead(status, headers);
		if (this.headOnly) {
			source.destroy();
			this.res.end();
			return;
		}
		if (cut) this.res.on('finish', () => this.res.socket?.destroy());
		// A client that goes away mid-download is normal; pipeline then destroys the source.
		stream.pipeline(source, this.res, () => undefined);
	}

	/** The fault to apply to this request, if one fires (it is used up). */
	takeFault(request: Omit<FaultMatchInput, 'route' | 'method' | 'path'>): FaultRule | undefined {
		return this.state.faults.takeResponseFault(
			{ route: this.route, method: this.req.method ?? 'GET', path: this.path, ...request },
			(rule) => rule.kind !== 'redirect' || !this.isAddressedTo(this.redirectLocation(rule)),
		);
	}

	/** Answers normally, or as the fault says. */
	deliver(fault: FaultRule | undefined, responder: Responder): void {
		if (!fault) {
			responder.sendNormal();
			return;
		}
		this.entry.fault = faultLabel(fault);
		switch (fault.kind) {
			case 'status': {
				const status = fault.status ?? 500;
				const headers: Headers =
					fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {};
				responder.sendError(status, headers, fault.body);
				return;
			}
			case 'reset':
				resetConnection(this.req.socket);
				return;
			case 'hang':
				this.hang(fault, () => responder.sendNormal());
				return;
			case 'badJson': {
				const truncated = fault.variant === 'truncated' ? responder.truncatedBody() : undefined;
				if (fault.body !== undefined) this.sendText(200, String(fault.body), 'text/html; charset=utf-8');
				else if (truncated) this.sendBytes(200, truncated.bytes, truncated.contentType);
				else this.sendText(200, UPSTREAM_ERROR_PAGE, 'text/html; charset=utf-8');
				return;
			}
			case 'missingFields':
				this.sendJson(200, fault.body ?? {});
				return;
			case 'downloadCut':
				responder.sendCut(fault.variant === 'chunked');
				return;
			case 'redirect':
				this.writeHead(307, { Location: this.redirectLocation(fault), 'Content-Length': 0 });
				this.res.end();
				return;
			default:
				// Job faults never reach here: they are taken when a poll finds the job finished.
				responder.sendNormal();
		}
	}

	private redirectLocation(rule: FaultRule): string {
		return rule.location ?? `http://localhost:${this.state.port}${this.req.url ?? '/'}`;
	}

	/** A redirect must not fire again for the request it produced. */
	private isAddressedTo(location: string): boolean {
		try {
			const target = new URL(location);
			return target.host === this.req.headers.host && target.pathname === this.path;
		} catch {
			return false;
		}
	}

	private hang(fault: FaultRule, resume: () => void): void {
		const ms = (fault.hangMs ?? 0) * this.state.options.clockScale;
		if (ms <= 0) return; // until the client gives up or close() destroys the socket
		const cancel = this.state.schedule(ms, () => {
			if (fault.afterHang === 'respond') resume();
			else resetConnection(this.req.socket);
		});
		this.res.on('close', cancel);
	}

	private writeHead(status: number, headers: Headers): void {
		this.entry.status = status;
		this.res.writeHead(status, http.STATUS_CODES[status] ?? 'Unknown', headers);
	}
}

/** Responder for the JSON API routes; reply is called lazily (a submit creates the job in it). */
export function jsonResponder(exchange: Exchange, reply: () => JsonReply): Responder {
	return {
		sendNormal() {
			const { status, body, headers } = reply();
			exchange.sendJson(status, body, headers);
		},
		sendError(status, headers, body) {
			if (body === undefined) exchange.sendApiError(status, undefined, undefined, headers);
			else if (typeof body === 'string') exchange.sendText(status, body, undefined, headers);
			else exchange.sendJson(status, body, headers);
		},
		sendCut(chunked) {
			const { status, body } = reply();
			exchange.sendCut(status, jsonBytes(body), JSON_TYPE, chunked);
		},
		truncatedBody() {
			const bytes = jsonBytes(reply().body);
			return { bytes: bytes.subarray(0, Math.floor(bytes.length / 2)), contentType: JSON_TYPE };
		},
	};
}
