import { type MediaReader, UnreadableMedia, fourCc } from './bytes';
import type { MediaFacts } from './facts';

/** Picture sizes from the first bytes of PNG, JPEG, WebP, GIF and BMP files. */

function png(head: Buffer): { width: number; height: number } {
	if (head.length < 24 || fourCc(head, 12) !== 'IHDR') throw new UnreadableMedia('its PNG header (IHDR) is missing');
	return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}

function webp(head: Buffer): { width: number; height: number } {
	const chunk = fourCc(head, 12);
	if (chunk === 'VP8 ' && head.length >= 30) {
		return { width: head.readUInt16LE(26) & 0x3fff, height: head.readUInt16LE(28) & 0x3fff };
	}
	if (chunk === 'VP8L' && head.length >= 25) {
		const bits = head.readUInt32LE(21);
		return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
	}
	if (chunk === 'VP8X' && head.length >= 30) {
		return { width: head.readUIntLE(24, 3) + 1, height: head.readUIntLE(27, 3) + 1 };
	}
	throw new UnreadableMedia(`its WebP header has an unknown first chunk "${chunk}"`);
}

/** Start-of-frame markers (SOF0-SOF15 except DHT, JPG and DAC) carry the picture size. */
function isStartOfFrame(marker: number): boolean {
	return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Walks the JPEG markers (segments such as EXIF may be long: the reader fetches past them). */
async function jpeg(reader: MediaReader): Promise<{ width: number; height: number }> {
	let at = 2;
	for (let segments = 0; segments < 256; segments++) {
		const header = await reader.get(at, 9);
		if (!header || header.length < 4) break;
		if (header[0] !== 0xff) throw new UnreadableMedia(`its JPEG markers are damaged at byte ${at}`);
		const marker = header[1];
		if (marker === 0xff) {
			at += 1;
			continue;
		}
		if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
			at += 2;
			continue;
		}
		if (marker === 0xd9 || marker === 0xda) break;
		if (isStartOfFrame(marker)) {
			if (header.length < 9) break;
			return { width: header.readUInt16BE(7), height: header.readUInt16BE(5) };
		}
		at += 2 + header.readUInt16BE(2);
	}
	throw new UnreadableMedia('its JPEG header has no picture size (no start-of-frame marker before the image data)');
}

export async function probeImage(reader: MediaReader, container: string): Promise<MediaFacts> {
	const head = (await reader.get(0, 32)) ?? Buffer.alloc(0);
	let size: { width: number; height: number };
	switch (container) {
		case 'png':
			size = png(head);
			break;
		case 'webp':
			size = webp(head);
			break;
		case 'jpeg':
			size = await jpeg(reader);
			break;
		case 'gif':
			size = { width: head.readUInt16LE(6), height: head.readUInt16LE(8) };
			break;
		case 'bmp':
			size = { width: Math.abs(head.readInt32LE(18)), height: Math.abs(head.readInt32LE(22)) };
			break;
		default:
			return { kind: 'image', container };
	}
	if (!(size.width > 0 && size.height > 0)) throw new UnreadableMedia(`its ${container.toUpperCase()} header gives no picture size`);
	return { kind: 'image', container, ...size };
}
