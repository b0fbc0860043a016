import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import type { ByteSource } from '../media/bytes';

/**
 * A binary property of an input item, by reference: its bytes are read only when a
 * submission streams them (or when the checks read the few header bytes they need).
 * Filesystem and S3 mode: through n8n's binary stream helper; the default (memory) mode:
 * the base64 text the item already holds, sent as it is.
 */
export interface BinaryInput {
	itemIndex: number;
	/** The field it fills, as the user knows it (e.g. "Video Binary Property (video_url)"). */
	label: string;
	property: string;
	mimeType: string;
	/** The file's size in bytes (from the binary's metadata, or the length of its base64). */
	bytes: number;
	/** Where n8n stores it (filesystem, S3); absent in memory mode. */
	id?: string;
	/** Memory mode: the base64 text held by the item (never decoded whole, never copied). */
	base64?: string;
}

/**
 * Bytes read per chunk from a binary stream: a multiple of 3, so each base64 piece stands
 * alone, and small enough that its base64 text (64 KiB) is an ordinary young object V8
 * frees at the next scavenge, not a large object that waits for a full collection.
 */
export const BINARY_CHUNK_BYTES = 3 * 16 * 1024;

/** A binary that could not be read (gone, cut, changed size): names the field in the error. */
export class BinaryReadError extends Error {}

/** Decoded size of a base64 text (standard alphabet, padded). */
export function base64DecodedBytes(length: number, text: string): number {
	const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
	return Math.max(0, Math.floor((length * 3) / 4) - padding);
}

/** True when the text is plain padded base64 whose length fits `bytes` (sendable as is). */
export function isCanonicalBase64(text: string): boolean {
	if (text.length % 4 !== 0) return false;
	// A look at both ends: a full scan of a 70 MB text costs more than it finds.
	const ends = text.length > 8192 ? text.slice(0, 4096) + text.slice(-4096) : text;
	return /^[A-Za-z0-9+/]*={0,2}$/.test(ends);
}

/** Reads the metadata of a binary property (never its bytes). */
export async function describeBinary(
	ctx: IExecuteFunctions,
	itemIndex: number,
	property: string,
	binary: IBinaryData,
	mimeType: string,
	label: string,
): Promise<BinaryInput> {
	if (binary.id) {
		let bytes = typeof binary.bytes === 'number' ? binary.bytes : undefined;
		let failure: unknown;
		try {
			const metadata = await ctx.helpers.getBinaryMetadata(binary.id);
			if (typeof metadata.fileSize === 'number' && Number.isFinite(metadata.fileSize)) bytes = metadata.fileSize;
		} catch (error) {
			failure = error;
		}
		if (bytes === undefined) throw new BinaryReadError(reasonOf(failure ?? 'n8n knows no size for it'));
		return { itemIndex, label, property, mimeType, bytes: bytes ?? 0, id: binary.id };
	}
	const base64 = typeof binary.data === 'string' ? binary.data : '';
	if (isCanonicalBase64(base64)) {
		return { itemIndex, label, property, mimeType, bytes: base64DecodedBytes(base64.length, base64), base64 };
	}
	// Unusual text (line breaks, no padding): decoded once, as n8n's own helper would.
	const buffer = await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
	return { itemIndex, label, property, mimeType, bytes: buffer.length, base64: buffer.toString('base64') };
}

function reasonOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

type ChunkStream = AsyncIterable<Buffer | string> & { destroy?: (error?: Error) => void };

/** The raw bytes of a stored binary, from the start, chunk by chunk. */
export async function* binaryChunks(ctx: IExecuteFunctions, input: BinaryInput): AsyncGenerator<Buffer> {
	if (input.id === undefined) {
		throw new BinaryReadError('a binary held in memory is sent as its base64 text, not read as bytes');
	}
	let stream: ChunkStream | undefined;
	let failure: unknown;
	try {
		stream = (await ctx.helpers.getBinaryStream(input.id, BINARY_CHUNK_BYTES)) as unknown as ChunkStream;
	} catch (error) {
		failure = error;
	}
	if (!stream) throw new BinaryReadError(reasonOf(failure));
	const chunks = stream[Symbol.asyncIterator]();
	try {
		for (;;) {
			let next: IteratorResult<Buffer | string>;
			try {
				next = await chunks.next();
			} catch (error) {
				failure = error;
				break;
			}
			if (next.done) return;
			yield typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
		}
	} finally {
		stream.destroy?.();
	}
	throw new BinaryReadError(reasonOf(failure));
}

/** The bytes [offset, offset + length) of a base64 text, decoding only that slice. */
export function readBase64(text: string, size: number, offset: number, length: number): Buffer {
	const end = Math.min(size, offset + length);
	if (offset >= end) return Buffer.alloc(0);
	const firstGroup = Math.floor(offset / 3);
	const lastGroup = Math.ceil(end / 3);
	const decoded = Buffer.from(text.slice(firstGroup * 4, lastGroup * 4), 'base64');
	return decoded.subarray(offset - firstGroup * 3, end - firstGroup * 3);
}

/**
 * Random access to a binary for the input checks. Memory mode decodes only the slice asked
 * for; a stored file is read from its start up to the range (skipping, keeping nothing else).
 */
export function binarySource(ctx: IExecuteFunctions, input: BinaryInput): ByteSource {
	return {
		size: input.bytes,
		async read(offset, length) {
			if (input.base64 !== undefined) return readBase64(input.base64, input.bytes, offset, length);
			const wanted: Buffer[] = [];
			let position = 0;
			let kept = 0;
			try {
				for await (const chunk of binaryChunks(ctx, input)) {
					const end = position + chunk.length;
					if (end > offset) {
						const piece = chunk.subarray(Math.max(0, offset - position), Math.min(chunk.length, offset + length - position));
						wanted.push(piece);
						kept += piece.length;
					}
					position = end;
					if (kept >= length) break;
				}
			} catch {
				return undefined;
			}
			return Buffer.concat(wanted);
		},
	};
}
