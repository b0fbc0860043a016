import { type MaskRegion, drawMaskImage } from '../../../nodes/WanVace/mask';
import { decodeGray, ffprobe } from '../../support/ffmpeg';
import { zlib } from '../../support/node';
import { type ReferenceRegion, firstDifference, referenceFrame } from './reference';

/** Mask images: PNGs decoded by ffmpeg and by Node's zlib, checksums computed another way. */

/** CRC-32 bit by bit (no table), to check the encoder's table-driven one. */
function bitwiseCrc32(data: Buffer): number {
	let crc = 0xffffffff;
	for (const byte of data) {
		crc ^= byte;
		for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
	}
	return (crc ^ 0xffffffff) >>> 0;
}

function adler32(data: Buffer): number {
	let a = 1;
	let b = 0;
	for (const byte of data) {
		a = (a + byte) % 65521;
		b = (b + a) % 65521;
	}
	return ((b << 16) | a) >>> 0;
}

interface Chunk {
	type: string;
	data: Buffer;
	crc: number;
}

function chunks(png: Buffer): Chunk[] {
	expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	const out: Chunk[] = [];
	for (let at = 8; at < png.length; ) {
		const length = png.readUInt32BE(at);
		const type = png.toString('latin1', at + 4, at + 8);
		out.push({ type, data: png.subarray(at + 8, at + 8 + length), crc: png.readUInt32BE(at + 8 + length) });
		expect(bitwiseCrc32(png.subarray(at + 4, at + 8 + length))).toBe(png.readUInt32BE(at + 8 + length));
		at += 12 + length;
	}
	return out;
}

const region = (fields: Partial<MaskRegion> & Pick<MaskRegion, 'left' | 'top' | 'width' | 'height'>): MaskRegion => ({ shape: 'rectangle', unit: 'percent', ...fields });

function expectExactPng(regions: MaskRegion[], width: number, height: number, invert = false, grow = 0) {
	const mask = drawMaskImage({ regions, invert, grow }, { width, height });
	expect([mask.mimeType, mask.fileName, mask.width, mask.height, mask.frames, mask.roundedUp]).toEqual(['image/png', 'mask.png', width, height, 1, false]);
	// An image has no time: every region applies.
	const timeless: ReferenceRegion[] = regions.map(({ shape, left, top, width: w, height: h, unit }) => ({ shape, left, top, width: w, height: h, unit }));
	const expected = referenceFrame(timeless, { width, height, fpsNum: 1, fpsDen: 1, frameCount: 1, invert, grow }, 0);
	expect(firstDifference(decodeGray(mask.data, 'png'), expected, width, height)).toBeUndefined();

	// The same pixels through Node's zlib (which checks the Adler-32), and the checksums recomputed.
	const parts = chunks(mask.data);
	expect(parts.map((part) => part.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
	const ihdr = parts[0].data;
	expect([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ...ihdr.subarray(8)]).toEqual([width, height, 8, 0, 0, 0, 0]);
	const stream = parts[1].data;
	const filtered = zlib.inflateSync(stream) as Buffer;
	expect(stream.readUInt32BE(stream.length - 4)).toBe(adler32(filtered));
	const rows = Buffer.concat(Array.from({ length: height }, (_, y) => Buffer.concat([Buffer.from([0]), expected.subarray(y * width, (y + 1) * width)])));
	expect(filtered.equals(rows)).toBe(true);
	return { mask, stream };
}

describe('mask image (PNG)', () => {
	it('rectangles and ellipses, percent and pixels, odd size', () => {
		expectExactPng(
			[region({ left: 10, top: 10, width: 30, height: 25 }), region({ shape: 'ellipse', left: 150.5, top: 60.25, width: 101, height: 77, unit: 'pixels' })],
			301,
			199,
		);
	});

	it('Invert and Grow; start/end do not apply to an image', () => {
		const { mask } = expectExactPng([region({ shape: 'ellipse', left: 40, top: 40, width: 20, height: 20, start: 5, end: 6 }), region({ left: 0, top: 0, width: 10, height: 10 })], 160, 90, true, 4);
		expect([mask.allWhite, mask.allBlack]).toEqual([false, false]);
	});

	it('an image larger than one stored block (65535 bytes) is split into several', () => {
		const { stream } = expectExactPng([region({ left: 25, top: 25, width: 50, height: 50 })], 640, 360);
		// zlib header, then stored blocks: BFINAL only on the last one.
		expect([stream[0], stream[1]]).toEqual([0x78, 0x01]);
		const raw = 641 * 360;
		const blocks = Math.ceil(raw / 65535);
		expect(blocks).toBe(4);
		expect(stream.length).toBe(2 + raw + 5 * blocks + 4);
		expect([stream[2], stream.readUInt16LE(3), stream.readUInt16LE(5)]).toEqual([0, 65535, 0]);
	});

	it('a 1×1 image, all white', () => {
		const { mask } = expectExactPng([region({ left: 0, top: 0, width: 100, height: 100 })], 1, 1);
		expect([mask.allWhite, mask.allBlack]).toEqual([true, false]);
	});

	it('ffprobe sees an 8-bit gray PNG of the source size', () => {
		const mask = drawMaskImage({ regions: [region({ left: 10, top: 10, width: 10, height: 10 })], invert: false, grow: 0 }, { width: 854, height: 480 });
		const [stream] = ffprobe(mask.data, 'png').streams;
		expect([stream.codec_name, stream.pix_fmt, stream.width, stream.height]).toEqual(['png', 'gray', 854, 480]);
	});
});
