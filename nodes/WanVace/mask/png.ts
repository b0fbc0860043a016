/**
 * An 8-bit grayscale PNG with no compression: the zlib stream (RFC 1950) holds STORED deflate
 * blocks (RFC 1951 3.2.4); CRC-32 and Adler-32 are computed here (no zlib in n8n nodes).
 */

const CRC_TABLE = (() => {
	const table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c >>> 0;
	}
	return table;
})();

/** CRC-32 (ISO 3309, as PNG uses it) of data[start, end). */
export function crc32(data: Uint8Array, start = 0, end = data.length): number {
	let crc = 0xffffffff;
	for (let i = start; i < end; i++) crc = CRC_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

/** Adler-32 (RFC 1950 8.2), state carried across calls. */
class Adler32 {
	private a = 1;
	private b = 0;

	update(data: Uint8Array, start: number, end: number): void {
		let { a, b } = this;
		// 5552 bytes is the most that can be summed before b may overflow 2^32 (zlib's NMAX).
		for (let i = start; i < end; ) {
			const stop = Math.min(end, i + 5552);
			for (; i < stop; i++) {
				a += data[i];
				b += a;
			}
			a %= 65521;
			b %= 65521;
		}
		this.a = a;
		this.b = b;
	}

	get value(): number {
		return ((this.b << 16) | this.a) >>> 0;
	}
}

const MAX_STORED = 65535;
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * The PNG of a width × height grayscale image whose rows are `stride` bytes apart in `pixels`.
 */
export function encodeGrayPng(pixels: Uint8Array, width: number, height: number, stride = width): Buffer {
	const raw = (width + 1) * height; // each row: filter type 0, then the samples
	const blocks = Math.max(1, Math.ceil(raw / MAX_STORED));
	const zlibSize = 2 + raw + 5 * blocks + 4;
	const out = Buffer.alloc(8 + 25 + 12 + zlibSize + 12);
	let at = 0;
	for (const byte of SIGNATURE) out[at++] = byte;

	const chunk = (type: string, write: () => void) => {
		const lengthAt = at;
		at += 4;
		at += out.write(type, at, 'latin1');
		write();
		out.writeUInt32BE(at - lengthAt - 8, lengthAt);
		out.writeUInt32BE(crc32(out, lengthAt + 4, at), at);
		at += 4;
	};

	chunk('IHDR', () => {
		out.writeUInt32BE(width, at);
		out.writeUInt32BE(height, at + 4);
		out[at + 8] = 8; // bit depth
		out[at + 9] = 0; // colour type: grayscale
		out[at + 10] = 0; // compression method
		out[at + 11] = 0; // filter method
		out[at + 12] = 0; // interlace: none
		at += 13;
	});

	chunk('IDAT', () => {
		out[at++] = 0x78; // CMF: deflate, 32 KiB window
		out[at++] = 0x01; // FLG: (0x78 << 8 | 0x01) % 31 === 0, no dictionary, fastest
		const adler = new Adler32();
		let left = raw;
		let row = 0;
		let column = -1; // -1: the row's filter byte is next
		for (let block = 0; block < blocks; block++) {
			const size = Math.min(MAX_STORED, left);
			left -= size;
			out[at++] = left === 0 ? 1 : 0; // BFINAL, BTYPE 00 (stored)
			out.writeUInt16LE(size, at);
			out.writeUInt16LE(~size & 0xffff, at + 2);
			at += 4;
			const dataStart = at;
			// Copy `size` bytes of the filtered image, which may start or end mid-row.
			for (let remaining = size; remaining > 0; ) {
				if (column === -1) {
					out[at++] = 0;
					column = 0;
					remaining--;
					continue;
				}
				const take = Math.min(remaining, width - column);
				const from = row * stride + column;
				out.set(pixels.subarray(from, from + take), at);
				at += take;
				remaining -= take;
				column += take;
				if (column === width) {
					column = -1;
					row++;
				}
			}
			adler.update(out, dataStart, at);
		}
		out.writeUInt32BE(adler.value, at);
		at += 4;
	});

	chunk('IEND', () => undefined);
	return out;
}
