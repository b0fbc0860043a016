/** Random access to the bytes of a media file, wherever they are (an HTTP server, a data: URI, a buffer). */
export interface ByteSource {
	/** Size of the whole file, when known. */
	readonly size?: number;
	/** Bytes [offset, offset + length), fewer at the end of the file; undefined when this source cannot seek there. */
	read(offset: number, length: number): Promise<Buffer | undefined>;
}

/** A file that is already in memory. */
export function bufferSource(buffer: Buffer): ByteSource {
	return {
		size: buffer.length,
		async read(offset, length) {
			return buffer.subarray(offset, Math.min(buffer.length, offset + length));
		},
	};
}

/** A problem with the file itself: it claims a format but its structure cannot be read. */
export class UnreadableMedia extends Error {}

/** How much the reader fetches at least per read: one request brings a whole small header. */
export const READ_AHEAD_BYTES = 64 * 1024;

interface Window {
	offset: number;
	bytes: Buffer;
}

/**
 * Reads a file's headers through a ByteSource, keeping what it fetched, with at most
 * `maxReads` fetches beyond the first bytes it was given (each costs a round trip).
 */
export class MediaReader {
	private readonly windows: Window[] = [];
	private reads = 0;
	/** Bytes fetched from the source, the first window included. */
	bytesRead = 0;

	constructor(
		private readonly source: ByteSource,
		head?: Buffer,
		private readonly maxReads = 3,
	) {
		if (head) this.remember(0, head);
	}

	get size(): number | undefined {
		return this.source.size;
	}

	private remember(offset: number, bytes: Buffer): void {
		this.windows.push({ offset, bytes });
		this.bytesRead += bytes.length;
	}

	private cached(offset: number, length: number): Buffer | undefined {
		for (const window of this.windows) {
			const end = window.offset + window.bytes.length;
			const reachesEnd = this.size !== undefined && end >= this.size;
			if (offset >= window.offset && (offset + length <= end || (reachesEnd && offset <= end))) {
				return window.bytes.subarray(offset - window.offset, offset - window.offset + length);
			}
		}
		return undefined;
	}

	/** The bytes already at hand from offset on (to the end of the read that holds offset), without fetching. */
	peek(offset: number): Buffer | undefined {
		const window = this.windows.find((known) => offset >= known.offset && offset < known.offset + known.bytes.length);
		return window?.bytes.subarray(offset - window.offset);
	}

	/**
	 * Bytes [offset, offset + length), fewer at the end of the file. Undefined when the
	 * source cannot deliver them (no ranged reads, or the read budget is spent).
	 */
	async get(offset: number, length: number): Promise<Buffer | undefined> {
		const known = this.cached(offset, length);
		if (known) return known;
		if (this.reads >= this.maxReads) return undefined;
		this.reads++;
		const bytes = await this.source.read(offset, Math.max(length, READ_AHEAD_BYTES));
		if (!bytes) return undefined;
		this.remember(offset, bytes);
		return bytes.subarray(0, length);
	}
}

export function fourCc(buffer: Buffer, at: number): string {
	return buffer.toString('latin1', at, at + 4);
}
