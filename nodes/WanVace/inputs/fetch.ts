import type { IExecuteFunctions } from 'n8n-workflow';

import { headerValue } from '../transport';
import type { ByteSource } from '../media/bytes';
import { base64DecodedBytes, readBase64 } from '../request/binaryInput';

/** One ranged GET of an input file, read no further than asked even when the server ignores the range. */
export interface RangeResponse {
	status: number;
	contentType: string;
	/** The file's full size: from Content-Range, or Content-Length of a whole-file answer. */
	totalBytes?: number;
	/** The server honoured the range (206). */
	partial: boolean;
	bytes: Buffer;
}

/** A fetch that got no answer: `timedOut` when the check's own time limit ran out first. */
export interface FetchFailure {
	error: unknown;
	timedOut: boolean;
}

type Stream = AsyncIterable<Buffer | string> & { destroy?: () => void };

interface FullResponse {
	body: unknown;
	headers: Record<string, unknown>;
	statusCode: number;
}

function header(headers: Record<string, unknown>, name: string): string {
	const value = headerValue(headers, name);
	return Array.isArray(value) ? String(value[0] ?? '') : value === undefined || value === null ? '' : String(value);
}

/** Reads at most `limit` bytes of a response body, then closes it. */
async function readUpTo(body: unknown, limit: number): Promise<Buffer> {
	if (Buffer.isBuffer(body)) return body.subarray(0, limit);
	if (typeof body === 'string') return Buffer.from(body).subarray(0, limit);
	const stream = body as Stream;
	const chunks: Buffer[] = [];
	let total = 0;
	try {
		for await (const chunk of stream) {
			const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
			chunks.push(bytes);
			total += bytes.length;
			if (total >= limit) break;
		}
	} finally {
		stream.destroy?.();
	}
	return Buffer.concat(chunks).subarray(0, limit);
}

function totalSize(status: number, headers: Record<string, unknown>): number | undefined {
	const range = /\/(\d+)\s*$/.exec(header(headers, 'content-range'));
	if (range) return Number(range[1]);
	const length = Number(header(headers, 'content-length'));
	return status === 200 && header(headers, 'content-length') !== '' && Number.isFinite(length) ? length : undefined;
}

/**
 * GET with `Range: bytes=offset-…` through n8n's request helper (so n8n's proxy and SSRF
 * settings apply), never HEAD: presigned URLs are signed for one method. Bounded by
 * `timeoutMs` for the whole exchange, body included, and by the execution's cancel signal.
 */
export async function fetchRange(
	ctx: IExecuteFunctions,
	url: string,
	offset: number,
	length: number,
	timeoutMs: number,
): Promise<RangeResponse | FetchFailure> {
	const deadline = AbortSignal.timeout(timeoutMs);
	const cancel = ctx.getExecutionCancelSignal();
	const signal = cancel ? AbortSignal.any([cancel, deadline]) : deadline;
	try {
		const response = (await ctx.helpers.httpRequest({
			method: 'GET',
			url,
			headers: { Range: `bytes=${offset}-${offset + length - 1}`, 'Accept-Encoding': 'identity' },
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: timeoutMs,
			abortSignal: signal,
		})) as FullResponse;
		const status = response.statusCode;
		// Error pages are read only far enough to tell a web page from a message.
		const bytes = await readUpTo(response.body, status < 300 ? length : Math.min(length, 4096));
		return {
			status,
			contentType: header(response.headers, 'content-type').split(';')[0].trim().toLowerCase(),
			totalBytes: totalSize(status, response.headers),
			partial: status === 206,
			bytes,
		};
	} catch (error) {
		return { error, timedOut: deadline.aborted && !cancel?.aborted };
	}
}

export function isFetchFailure(result: RangeResponse | FetchFailure): result is FetchFailure {
	return 'error' in result;
}

/** Further reads of a URL whose first bytes are known; undefined when the server ignores ranges. */
export function urlSource(ctx: IExecuteFunctions, url: string, first: RangeResponse, timeoutMs: number): ByteSource {
	return {
		size: first.totalBytes,
		async read(offset, length) {
			if (!first.partial) return offset === 0 ? first.bytes : undefined;
			const response = await fetchRange(ctx, url, offset, length, timeoutMs);
			if (isFetchFailure(response)) return undefined;
			return response.status === 206 || (response.status === 200 && offset === 0) ? response.bytes : undefined;
		},
	};
}

const DATA_URI = /^data:([^;,]*)(?:;[^,]*)?,/i;

/** The bytes of a base64 data: URI, decoded slice by slice (never the whole payload at once). */
export function dataUriSource(value: string): { contentType: string; source: ByteSource } {
	const match = DATA_URI.exec(value);
	const payloadStart = match ? match[0].length : value.length;
	const payload = value.slice(payloadStart);
	const size = base64DecodedBytes(payload.length, payload);
	return {
		contentType: (match?.[1] ?? '').toLowerCase(),
		source: {
			size,
			async read(offset, length) {
				return readBase64(payload, size, offset, length);
			},
		},
	};
}
