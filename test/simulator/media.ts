/** The result videos the simulator serves: the MP4 fixture, or large generated files. */
import { fs, path, repoRoot, stream } from '../support/node';

type Readable = InstanceType<typeof stream.Readable>;

export const MEDIA_DIR = path.join(repoRoot, 'test', 'fixtures', 'media');
export const SAMPLE_VIDEO_PATH = path.join(MEDIA_DIR, 'sample.mp4');
export const MASK_VIDEO_PATH = path.join(MEDIA_DIR, 'mask.mp4');
export const FRAME_PNG_PATH = path.join(MEDIA_DIR, 'frame.png');
export const FRAME_JPG_PATH = path.join(MEDIA_DIR, 'frame.jpg');

/** sample.mp4: 64x64 H.264, 16 frames at 16 fps. */
export const SAMPLE_VIDEO_DURATION_SECONDS = 1;

let sampleVideo: Buffer | undefined;

/** The bytes of sample.mp4 (read once). */
export function sampleVideoBytes(): Buffer {
	sampleVideo ??= fs.readFileSync(SAMPLE_VIDEO_PATH);
	return sampleVideo;
}

export const MP4_CONTENT_TYPE = 'video/mp4';

const CHUNK_BYTES = 64 * 1024;

/** Filler bytes depend only on their offset: byte n of a file is FILLER[n % CHUNK_BYTES]. */
const FILLER_PATTERN = (() => {
	const pattern = Buffer.alloc(CHUNK_BYTES);
	let state = 0x9e3779b9;
	for (let i = 0; i < CHUNK_BYTES; i++) {
		state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
		pattern[i] = state >>> 24;
	}
	// Twice over, so any CHUNK_BYTES-long window is one zero-copy subarray.
	return Buffer.concat([pattern, pattern]);
})();

/** `ftyp` box (isom, like sample.mp4) followed by the header of an `mdat` box spanning the rest. */
function largeVideoHeader(totalBytes: number): Buffer {
	const ftyp = Buffer.alloc(32);
	ftyp.writeUInt32BE(ftyp.length, 0);
	ftyp.write('ftypisom', 4, 'latin1');
	ftyp.writeUInt32BE(0x200, 12);
	ftyp.write('isomiso2avc1mp41', 16, 'latin1');
	const mdatBytes = totalBytes - ftyp.length;
	let mdat: Buffer;
	if (mdatBytes <= 0xffffffff) {
		mdat = Buffer.alloc(8);
		mdat.writeUInt32BE(Math.max(mdatBytes, 8), 0);
	} else {
		// size 1 means a 64-bit size follows the type.
		mdat = Buffer.alloc(16);
		mdat.writeUInt32BE(1, 0);
		mdat.writeBigUInt64BE(BigInt(mdatBytes), 8);
	}
	mdat.write('mdat', 4, 'latin1');
	return Buffer.concat([ftyp, mdat]);
}

/** The bytes [offset, offset + length) of the generated file of totalBytes (length <= 64 KiB). */
function largeVideoSlice(totalBytes: number, header: Buffer, offset: number, length: number): Buffer {
	const filler = FILLER_PATTERN.subarray(offset % CHUNK_BYTES, (offset % CHUNK_BYTES) + length);
	if (offset >= header.length) return filler;
	const slice = Buffer.from(filler);
	header.copy(slice, 0, offset, Math.min(header.length, offset + length, totalBytes));
	return slice;
}

/**
 * A generated MP4-looking file of exactly totalBytes, produced chunk by chunk as the
 * consumer reads (a pipe applies backpressure), so a 1 GB file costs 64 KiB of memory.
 * stopAfterBytes ends the stream early (for cut downloads).
 */
export function createLargeVideoStream(totalBytes: number, stopAfterBytes = totalBytes): Readable {
	const header = largeVideoHeader(totalBytes);
	const end = Math.min(totalBytes, stopAfterBytes);
	let offset = 0;
	return new stream.Readable({
		highWaterMark: CHUNK_BYTES,
		read() {
			if (offset >= end) {
				this.push(null);
				return;
			}
			const length = Math.min(CHUNK_BYTES, end - offset);
			const chunk = largeVideoSlice(totalBytes, header, offset, length);
			offset += length;
			this.push(chunk);
		},
	});
}

/** The full generated file in memory: for tests that compare bytes of small sizes only. */
export function largeVideoBytes(totalBytes: number): Buffer {
	const header = largeVideoHeader(totalBytes);
	const parts: Buffer[] = [];
	for (let offset = 0; offset < totalBytes; offset += CHUNK_BYTES) {
		parts.push(largeVideoSlice(totalBytes, header, offset, Math.min(CHUNK_BYTES, totalBytes - offset)));
	}
	return Buffer.concat(parts);
}
