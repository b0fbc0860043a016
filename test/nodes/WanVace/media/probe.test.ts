import { type ByteSource, MediaReader, bufferSource, probeMedia, sniff } from '../../../../nodes/WanVace/media/probe';
import { dataUriSource } from '../../../../nodes/WanVace/inputs/fetch';
import { largeMp4 } from '../../../simulator/inputHost';
import { MEDIA_DIR } from '../../../simulator';
import { fs, path } from '../../../support/node';

const fixture = (name: string) => fs.readFileSync(path.join(MEDIA_DIR, name));

/** A source that counts its reads, like a server answering ranged GETs. */
function countingSource(file: { size: number; slice(offset: number, length: number): Buffer }) {
	const reads: Array<[number, number]> = [];
	const source: ByteSource = {
		size: file.size,
		async read(offset, length) {
			reads.push([offset, length]);
			return file.slice(offset, Math.min(length, file.size - offset));
		},
	};
	return { source, reads };
}

async function probe(bytes: Buffer) {
	const sniffed = sniff(bytes);
	if (sniffed.kind !== 'video' && sniffed.kind !== 'image') throw new Error(`not media: ${sniffed.kind}`);
	return await probeMedia(new MediaReader(bufferSource(bytes)), sniffed);
}

/** The figures ffprobe gave for each fixture when it was made (test/fixtures/media/README.md). */
const FFPROBE: Record<string, object> = {
	'sample.mp4': { kind: 'video', container: 'mp4', width: 64, height: 64, durationSeconds: 1, frames: 16, framesPerSecond: 16 },
	'moov-last.mp4': { kind: 'video', container: 'mp4', width: 64, height: 64, durationSeconds: 1, frames: 16, framesPerSecond: 16 },
	'mask.mp4': { kind: 'video', container: 'mp4', width: 64, height: 64, durationSeconds: 1, frames: 16, framesPerSecond: 16 },
	'mask-32x32-2s.mp4': { kind: 'video', container: 'mp4', width: 32, height: 32, durationSeconds: 2, frames: 32, framesPerSecond: 16 },
	'sample.mov': { kind: 'video', container: 'mov', width: 80, height: 48, durationSeconds: 0.8, frames: 20, framesPerSecond: 25 },
	'odd-ntsc.mp4': { kind: 'video', container: 'mp4', width: 53, height: 31, durationSeconds: 0.4, frames: 12, framesPerSecond: 29.97 },
	'sample.webm': { kind: 'video', container: 'webm', width: 64, height: 64, durationSeconds: 1.001, frames: 16, framesPerSecond: 16 },
	'frame.png': { kind: 'image', container: 'png', width: 64, height: 64 },
	'frame.jpg': { kind: 'image', container: 'jpeg', width: 64, height: 64 },
	'frame.webp': { kind: 'image', container: 'webp', width: 64, height: 64 },
};

describe('media probe', () => {
	it.each(Object.entries(FFPROBE))('%s: the figures ffprobe gives', async (name, expected) => {
		expect(await probe(fixture(name))).toEqual(expected);
	});

	it('finds no way to read an MP4 with only an audio track, and one cut before its moov', async () => {
		expect(await probe(fixture('audio-only.mp4'))).toEqual({ unreadable: expect.stringContaining('it has no video track (only audio)') });
		expect(await probe(fixture('truncated.mp4'))).toEqual({ unreadable: expect.stringContaining('the file ends inside its mdat box (1200 of 1469 bytes) before any moov box') });
	});

	it('finds no way to read an MP4 cut inside its moov, and a WebM cut inside its tracks', async () => {
		expect(await probe(fixture('sample.mp4').subarray(0, 400))).toEqual({ unreadable: expect.stringContaining('the file ends inside its moov box') });
		expect(await probe(fixture('sample.webm').subarray(0, 150))).toEqual({ unreadable: expect.stringMatching(/cut short|no track descriptions/) });
	});

	it('reads a 1 GB fast-start MP4 in one read of 64 KiB', async () => {
		const { source, reads } = countingSource(largeMp4(1024 ** 3, true));
		const reader = new MediaReader(source);
		expect(await probeMedia(reader, { kind: 'video', container: 'mp4' })).toMatchObject({ width: 64, height: 64, frames: 16 });
		expect(reads).toEqual([[0, 64 * 1024]]);
		expect(reader.bytesRead).toBeLessThan(256 * 1024);
	});

	it('reads a 1 GB MP4 with moov at the end with one more ranged read of the tail', async () => {
		const file = largeMp4(1024 ** 3, false);
		const { source, reads } = countingSource(file);
		const reader = new MediaReader(source);
		expect(await probeMedia(reader, { kind: 'video', container: 'mp4' })).toMatchObject({ width: 64, height: 64, frames: 16, durationSeconds: 1 });
		expect(reads).toHaveLength(2);
		expect(reads[1][0]).toBe(file.size - 833);
		expect(reader.bytesRead).toBeLessThan(128 * 1024);
	});

	/** sample.mp4 with `filler` bytes of a free box inside its moov: after the tracks, or inside the video track before its mdia. */
	function withLargeMoov(filler: number, where: 'after tracks' | 'inside the track'): Buffer {
		const sample = fixture('sample.mp4');
		const free = Buffer.alloc(filler + 8);
		free.writeUInt32BE(filler + 8, 0);
		free.write('free', 4, 'latin1');
		const moov = sample.subarray(32, 865);
		let body: Buffer;
		if (where === 'after tracks') body = Buffer.concat([moov.subarray(8), free]);
		else {
			// trak at 116 of moov (148 in the file), its tkhd (92 bytes) first: the free box goes after tkhd.
			const trak = Buffer.from(moov.subarray(116, 116 + 656));
			const grown = Buffer.concat([trak.subarray(0, 8 + 92), free, trak.subarray(8 + 92)]);
			grown.writeUInt32BE(grown.length, 0);
			body = Buffer.concat([moov.subarray(8, 116), grown, moov.subarray(116 + 656)]);
		}
		const header = Buffer.alloc(8);
		header.writeUInt32BE(body.length + 8, 0);
		header.write('moov', 4, 'latin1');
		return Buffer.concat([sample.subarray(0, 32), header, body, sample.subarray(865)]);
	}

	it('reads the video track from the first 64 KiB of a 2 MiB moov (a long video\'s sample tables)', async () => {
		const bytes = withLargeMoov(2 * 1024 * 1024, 'after tracks');
		const { source, reads } = countingSource({ size: bytes.length, slice: (offset, length) => bytes.subarray(offset, offset + length) });
		const reader = new MediaReader(source);
		expect(await probeMedia(reader, { kind: 'video', container: 'mp4' })).toEqual(FFPROBE['sample.mp4']);
		expect(reads).toEqual([[0, 64 * 1024]]);
	});

	it('reads the whole moov when its first 64 KiB do not hold the video track\'s tables', async () => {
		const bytes = withLargeMoov(1024 * 1024, 'inside the track');
		const { source, reads } = countingSource({ size: bytes.length, slice: (offset, length) => bytes.subarray(offset, offset + length) });
		expect(await probeMedia(new MediaReader(source), { kind: 'video', container: 'mp4' })).toEqual(FFPROBE['sample.mp4']);
		expect(reads).toEqual([[0, 64 * 1024], [32, 833 + 1024 * 1024 + 8]]);
	});

	it('gives the container without figures when the server cannot seek to a moov at the end', async () => {
		const file = largeMp4(10 * 1024 ** 2, false);
		const head = file.slice(0, 64 * 1024);
		const noRanges: ByteSource = { size: file.size, read: async (offset) => (offset === 0 ? head : undefined) };
		expect(await probeMedia(new MediaReader(noRanges, head), { kind: 'video', container: 'mp4' })).toEqual({ kind: 'video', container: 'mp4' });
	});

	it('swaps width and height of a video whose track matrix turns it a quarter', async () => {
		const bytes = Buffer.from(fixture('sample.mov'));
		// tkhd of sample.mov: its matrix starts 40 bytes into the box content; [a b] = [0 1].
		const tkhd = bytes.indexOf('tkhd', 0, 'latin1') + 4;
		bytes.writeInt32BE(0, tkhd + 40);
		bytes.writeInt32BE(0x10000, tkhd + 44);
		expect(await probe(bytes)).toMatchObject({ width: 48, height: 80 });
	});

	it('reads GIF, BMP and the other WebP headers', async () => {
		const gif = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.from([0x40, 0x01, 0xf0, 0x00]), Buffer.alloc(20)]);
		expect(await probe(gif)).toEqual({ kind: 'image', container: 'gif', width: 320, height: 240 });
		const bmp = Buffer.alloc(54);
		bmp.write('BM', 0, 'latin1');
		bmp.writeInt32LE(100, 18);
		bmp.writeInt32LE(-50, 22);
		expect(await probe(bmp)).toEqual({ kind: 'image', container: 'bmp', width: 100, height: 50 });
		const vp8x = Buffer.alloc(30);
		vp8x.write('RIFF', 0, 'latin1');
		vp8x.write('WEBPVP8X', 8, 'latin1');
		vp8x.writeUIntLE(1919, 24, 3);
		vp8x.writeUIntLE(1079, 27, 3);
		expect(await probe(vp8x)).toEqual({ kind: 'image', container: 'webp', width: 1920, height: 1080 });
		const vp8l = Buffer.alloc(25);
		vp8l.write('RIFF', 0, 'latin1');
		vp8l.write('WEBPVP8L', 8, 'latin1');
		vp8l.writeUInt32LE((640 - 1) | ((480 - 1) << 14), 21);
		expect(await probe(vp8l)).toEqual({ kind: 'image', container: 'webp', width: 640, height: 480 });
	});

	it('tells web pages, text documents and unknown bytes from media', () => {
		expect(sniff(Buffer.from('\n  <!DOCTYPE html><html><body>Drive</body></html>'))).toEqual({ kind: 'page' });
		expect(sniff(Buffer.from('<html lang="en"><head>'))).toEqual({ kind: 'page' });
		expect(sniff(Buffer.from('<?xml version="1.0"?><Error><Code>AccessDenied</Code></Error>'))).toMatchObject({ kind: 'text', excerpt: expect.stringContaining('AccessDenied') });
		expect(sniff(Buffer.from([0x00, 0x13, 0x88, 0xfe, 0x01, 0x02, 0x03, 0x04, 0x05, 0x99]))).toEqual({ kind: 'unknown' });
		expect(sniff(fixture('sample.webm'))).toEqual({ kind: 'video', container: 'webm' });
		const avif = Buffer.alloc(32);
		avif.writeUInt32BE(32, 0);
		avif.write('ftypavif', 4, 'latin1');
		expect(sniff(avif)).toEqual({ kind: 'image', container: 'avif' });
	});

	it('decodes any slice of a data: URI exactly', async () => {
		const bytes = fixture('sample.webm');
		const { contentType, source } = dataUriSource(`data:video/webm;base64,${bytes.toString('base64')}`);
		expect(contentType).toBe('video/webm');
		expect(source.size).toBe(bytes.length);
		for (const [offset, length] of [[0, 10], [1, 7], [2, 100], [1000, 1621], [2600, 100], [2620, 1]]) {
			expect(await source.read(offset, length)).toEqual(bytes.subarray(offset, offset + length));
		}
	});
});
