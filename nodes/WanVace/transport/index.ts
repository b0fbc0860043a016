import type { IDataObject, IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';

import { operationError } from '../errors';

export * from './apiError';
export * from './httpFailure';

export const CREDENTIAL_TYPE = 'aimlApi';
export const DEFAULT_BASE_URL = 'https://api.aimlapi.com';
export const GENERATIONS_ENDPOINT = '/v2/video/generations';
/** The model catalogue, with prices (?id=<model>&include=pricing). */
export const CATALOGUE_ENDPOINT = '/v1/models';
/** The usage log: one row per request, with its ids and cost. */
export const LOGS_ENDPOINT = '/v2/logs';

/** A JSON body sent as a stream of bytes, of a length known in advance. */
export interface StreamedBody {
	readonly contentLength: number;
	/** The body's bytes from the start: every call reads anew (a retried submission sends a fresh stream). */
	chunks(): AsyncIterable<Buffer>;
}

export interface ApiRequest {
	method: IHttpRequestMethods;
	endpoint: string;
	body?: IDataObject | StreamedBody;
	qs?: IDataObject;
	/** Extra request headers (X-Client-Request-Id); never the Authorization header. */
	headers?: Record<string, string>;
	timeoutMs: number;
}

/** An answer with its headers (names lower-cased): x-inference-id, the cost headers. */
export interface ApiResponse {
	status?: number;
	body: unknown;
	headers: Record<string, string>;
}

function lowerCaseHeaders(raw: unknown): Record<string, string> {
	if (typeof raw !== 'object' || raw === null) return {};
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
		if (typeof value === 'string') headers[name.toLowerCase()] = value;
		else if (Array.isArray(value) && typeof value[0] === 'string') headers[name.toLowerCase()] = value[0];
		else if (typeof value === 'number') headers[name.toLowerCase()] = String(value);
	}
	return headers;
}

/** Owns the base URL and the authentication of every call to AI/ML API. */
export interface AimlApiTransport {
	readonly baseUrl: string;
	/** Values that must never appear in an error, log line or output (the API key). */
	readonly secrets: readonly string[];
	request(request: ApiRequest): Promise<unknown>;
	/** The same call, answering with the response headers too. */
	requestWithHeaders(request: ApiRequest): Promise<ApiResponse>;
}

export function isStreamedBody(body: unknown): body is StreamedBody {
	return typeof body === 'object' && body !== null && typeof (body as StreamedBody).chunks === 'function';
}

/**
 * A streamed body in the one shape n8n's request helper and axios both take from a node
 * that may not import `stream`: n8n passes a body on when its constructor is named
 * `Readable` (among a few), and axios's Node adapter turns a Blob into a Node Readable
 * (`Readable.from` over `blob.stream()`), with `Content-Length` from its `size`. So: a
 * Blob of the body's length and type whose `stream()` yields the body's chunks. Made anew
 * for every attempt, so a retry reads the files anew.
 */
export function readableBody(body: StreamedBody): Blob {
	class Readable extends Blob {
		override stream(): ReadableStream<Uint8Array> {
			return body.chunks() as unknown as ReadableStream<Uint8Array>;
		}
	}
	const blob = new Readable([], { type: 'application/json' });
	Object.defineProperty(blob, 'size', { value: body.contentLength });
	return blob;
}

/** Normalizes the credential's base URL; undefined when it is not an http(s) URL. */
export function normalizeBaseUrl(value: unknown): string | undefined {
	const text = typeof value === 'string' && value.trim() !== '' ? value.trim() : DEFAULT_BASE_URL;
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return undefined;
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
	if (url.username || url.password || url.search || url.hash) return undefined;
	return url.toString().replace(/\/+$/, '');
}

export async function createTransport(ctx: IExecuteFunctions): Promise<AimlApiTransport> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const apiKey = typeof credentials.apiKey === 'string' ? credentials.apiKey : '';
	const secrets = apiKey ? [apiKey, apiKey.trim()] : [];
	const baseUrl = normalizeBaseUrl(credentials.baseUrl);
	if (!baseUrl) {
		throw operationError(ctx.getNode(), 'The Base URL of the AI/ML API credential is not a valid http(s) URL', {
			itemIndex: 0,
			description:
				'Open the credential and set Base URL to https://api.aimlapi.com (or the http(s) address of your proxy), without user name, password, query or fragment.',
			secrets,
		});
	}
	const send = async ({ method, endpoint, body, qs, headers, timeoutMs }: ApiRequest, returnFullResponse: boolean): Promise<unknown> => {
		const streamed = isStreamedBody(body) ? body : undefined;
		const allHeaders = {
			...headers,
			...(streamed ? { 'Content-Type': 'application/json', 'Content-Length': String(streamed.contentLength) } : {}),
		};
		return await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, {
			method,
			url: `${baseUrl}${endpoint}`,
			body: streamed ? (readableBody(streamed) as unknown as IDataObject) : body,
			qs,
			...(Object.keys(allHeaders).length ? { headers: allHeaders } : {}),
			// To replay a body after a redirect, axios's redirect follower keeps every byte sent
			// until the answer: a whole file per request in flight. A streamed POST follows none.
			...(streamed ? { disableFollowRedirect: true } : {}),
			json: true,
			timeout: timeoutMs,
			abortSignal: ctx.getExecutionCancelSignal(),
			sendCredentialsOnCrossOriginRedirect: false,
			...(returnFullResponse ? { returnFullResponse: true } : {}),
		});
	};
	return {
		baseUrl,
		secrets,
		async request(request: ApiRequest): Promise<unknown> {
			return await send(request, false);
		},
		async requestWithHeaders(request: ApiRequest): Promise<ApiResponse> {
			const full = (await send(request, true)) as { statusCode?: unknown; body?: unknown; headers?: unknown } | undefined;
			const status = typeof full?.statusCode === 'number' ? full.statusCode : undefined;
			return { status, body: full?.body, headers: lowerCaseHeaders(full?.headers) };
		},
	};
}
