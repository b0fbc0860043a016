import { createHash } from 'node:crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { StreamedBody } from '../transport';
import { type BinaryInput, BINARY_CHUNK_BYTES, BinaryReadError, binaryChunks } from './binaryInput';

/**
 * The request body as a stream: the JSON up to a binary's data: URI payload, the file's
 * bytes base64-encoded chunk by chunk, the JSON up to the next one, and so on. Nothing
 * whole in memory; the length is known before the first byte (Content-Length).
 */

/** Where binary N's base64 goes in the body's JSON (inside its data: URI string). */
export function binaryPlaceholder(index: number): string {
	return `\u0000wan-vace-binary-${index}\u0000`;
}

/** Length of the base64 text of `bytes` bytes (padded). */
export function base64Length(bytes: number): number {
	return Math.ceil(bytes / 3) * 4;
}

/**
 * Base64 of a byte stream, piece by piece: each piece encodes a multiple of 3 bytes (the
 * last one the rest), so the pieces join into the base64 of the whole. Throws when the
 * stream holds more or fewer than `expectedBytes` (a file changed since its size was read).
 */
export async function* base64Pieces(chunks: AsyncIterable<Buffer>, expectedBytes: number): AsyncGenerator<Buffer> {
	let carry = Buffer.alloc(0);
	let total = 0;
	for await (const chunk of chunks) {
		total += chunk.length;
		if (total > expectedBytes) throw new BinaryReadError(`it holds more than the ${expectedBytes} bytes it had when the run started`);
		const joined = carry.length ? Buffer.concat([carry, chunk]) : chunk;
		const whole = joined.length - (joined.length % 3);
		if (whole > 0) yield Buffer.from(joined.subarray(0, whole).toString('base64'), 'latin1');
		carry = Buffer.from(joined.subarray(whole));
	}
	if (total !== expectedBytes) throw new BinaryReadError(`it ended after ${total} of its ${expectedBytes} bytes`);
	if (carry.length) yield Buffer.from(carry.toString('base64'), 'latin1');
}

/** A base64 text (memory mode) in slices, as bytes: the text is sent as it is. */
export function* textPieces(text: string, sliceChars = (BINARY_CHUNK_BYTES / 3) * 4): Generator<Buffer> {
	for (let start = 0; start < text.length; start += sliceChars) yield Buffer.from(text.slice(start, start + sliceChars), 'latin1');
}

/**
 * The body's JSON cut at each binary's placeholder: `order` lists the binaries as they come
 * in the JSON, `segments` the texts around them (order.length + 1).
 */
export function splitBody(body: IDataObject, binaryCount: number): { segments: string[]; order: number[] } {
	const json = JSON.stringify(body);
	const found = Array.from({ length: binaryCount }, (_, index) => {
		const marker = JSON.stringify(binaryPlaceholder(index)).slice(1, -1);
		const at = json.indexOf(marker);
		if (at === -1 || json.indexOf(marker, at + 1) !== -1) throw new Error(`the request body does not hold binary ${index} exactly once`);
		return { index, at, end: at + marker.length };
	}).sort((a, b) => a.at - b.at);
	const segments: string[] = [];
	let from = 0;
	for (const { at, end } of found) {
		segments.push(json.slice(from, at));
		from = end;
	}
	segments.push(json.slice(from));
	return { segments, order: found.map(({ index }) => index) };
}

/** Opens one binary's base64 from its start (a fresh read for every attempt). */
export type OpenBinary = (input: BinaryInput) => AsyncIterable<Buffer> | Iterable<Buffer>;

export interface BinaryBody extends StreamedBody {
	/** The first read failure of the current attempt, naming the binary's field. */
	failure?: BinaryFailure;
}

export interface BinaryFailure {
	input: BinaryInput;
	reason: string;
}

async function* toAsyncGenerator(pieces: AsyncIterable<Buffer> | Iterable<Buffer>): AsyncGenerator<Buffer> {
	yield* pieces;
}

function toAsync(pieces: AsyncIterable<Buffer> | Iterable<Buffer>): AsyncIterator<Buffer> {
	return toAsyncGenerator(pieces);
}

/** The streamed body of a request that carries binaries; each `chunks()` reads the files anew. */
export function binaryBody(body: IDataObject, binaries: readonly BinaryInput[], open: OpenBinary): BinaryBody {
	const split = splitBody(body, binaries.length);
	const segments = split.segments.map((text) => Buffer.from(text, 'utf8'));
	const inOrder = split.order.map((index) => binaries[index]);
	const contentLength =
		segments.reduce((sum, segment) => sum + segment.length, 0) + binaries.reduce((sum, input) => sum + base64Length(input.bytes), 0);
	const streamed: BinaryBody = {
		contentLength,
		async *chunks() {
			streamed.failure = undefined;
			for (const [index, input] of inOrder.entries()) {
				yield segments[index];
				const pieces = toAsync(open(input));
				try {
					for (;;) {
						let next: IteratorResult<Buffer>;
						try {
							next = await pieces.next();
						} catch (error) {
							streamed.failure = { input, reason: error instanceof Error ? error.message : String(error) };
							break;
						}
						if (next.done) break;
						yield next.value;
					}
				} finally {
					// The request ended early (cut, refused): close the file now.
					if (!streamed.failure) await pieces.return?.(undefined);
				}
				if (streamed.failure) throw new BinaryReadError(streamed.failure.reason);
			}
			yield segments[binaries.length];
		},
	};
	return streamed;
}

/** How a binary is read for a submission: memory mode sends its text, a stored file is encoded as it streams. */
export function openBinaryWith(ctx: IExecuteFunctions): OpenBinary {
	return (input) => (input.base64 !== undefined ? textPieces(input.base64) : base64Pieces(binaryChunks(ctx, input), input.bytes));
}

/**
 * SHA-256 of the request: its JSON and, for each binary, what identifies its bytes without
 * reading a stored file (its storage ID and size) or copying an in-memory one (hashed slice by slice).
 */
export function requestFingerprint(body: IDataObject, binaries: readonly BinaryInput[] = []): string {
	const hash = createHash('sha256').update(JSON.stringify(body));
	for (const input of binaries) {
		hash.update(`\u0000${input.mimeType} ${input.bytes} ${input.id ?? 'memory'}`);
		if (input.base64 !== undefined) for (const piece of textPieces(input.base64)) hash.update(piece);
	}
	return hash.digest('hex');
}
