import { isObjectEmpty } from 'n8n-workflow';

import type { BinaryInput } from '../../../../nodes/WanVace/request/binaryInput';
import { readBase64 } from '../../../../nodes/WanVace/request/binaryInput';
import {
	base64Length,
	base64Pieces,
	binaryBody,
	binaryPlaceholder,
	requestFingerprint,
	splitBody,
	textPieces,
} from '../../../../nodes/WanVace/request/streamBody';
import { readableBody } from '../../../../nodes/WanVace/transport';

function bytesOf(length: number, seed = 7): Buffer {
	const bytes = Buffer.alloc(length);
	let state = seed;
	for (let index = 0; index < length; index++) {
		state = (state * 1103515245 + 12345) >>> 0;
		bytes[index] = state >>> 24;
	}
	return bytes;
}

/** The file in chunks of uneven sizes (1, 2, 5, 4096, 7...), as a disk or S3 stream may hand them. */
async function* unevenChunks(bytes: Buffer): AsyncGenerator<Buffer> {
	const sizes = [1, 2, 5, 4096, 7, 65536, 3];
	let at = 0;
	for (let turn = 0; at < bytes.length; turn++) {
		const size = sizes[turn % sizes.length];
		yield bytes.subarray(at, at + size);
		at += size;
	}
}

async function collect(pieces: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<Buffer> {
	const parts: Buffer[] = [];
	for await (const piece of pieces) parts.push(piece);
	return Buffer.concat(parts);
}

function input(index: number, bytes: Buffer, extra: Partial<BinaryInput> = {}): BinaryInput {
	return { itemIndex: 0, label: `Field ${index}`, property: `p${index}`, mimeType: 'video/mp4', bytes: bytes.length, id: `filesystem-v2:${index}`, ...extra };
}

describe('streamed body', () => {
	it.each([0, 1, 2, 3, 4, 5, 6, 7, 100_000, 100_001, 100_002])('base64 of %i bytes in uneven chunks joins into the base64 of the whole', async (length) => {
		const bytes = bytesOf(length);
		const encoded = await collect(base64Pieces(unevenChunks(bytes), length));
		expect(encoded.toString('latin1')).toBe(bytes.toString('base64'));
		expect(encoded.length).toBe(base64Length(length));
	});

	it('refuses a file that holds fewer or more bytes than its size said', async () => {
		await expect(collect(base64Pieces(unevenChunks(bytesOf(10)), 11))).rejects.toThrow('it ended after 10 of its 11 bytes');
		await expect(collect(base64Pieces(unevenChunks(bytesOf(10)), 9))).rejects.toThrow('it holds more than the 9 bytes');
	});

	it('sends a memory-mode base64 text as it is, slice by slice', async () => {
		const text = bytesOf(1000).toString('base64');
		expect((await collect(textPieces(text, 64))).toString('latin1')).toBe(text);
	});

	it('decodes only the slice asked for', () => {
		const bytes = bytesOf(1000);
		const text = bytes.toString('base64');
		for (const [offset, length] of [[0, 10], [1, 5], [2, 998], [997, 100], [1000, 4]]) {
			expect(readBase64(text, 1000, offset, length)).toEqual(bytes.subarray(offset, offset + length));
		}
	});

	it('cuts the JSON at each placeholder, in the order the JSON holds them', () => {
		const body = { model: 'm', mask: `data:image/png;base64,${binaryPlaceholder(1)}`, video: `data:video/mp4;base64,${binaryPlaceholder(0)}` };
		expect(splitBody(body, 2)).toEqual({
			segments: ['{"model":"m","mask":"data:image/png;base64,', '","video":"data:video/mp4;base64,', '"}'],
			order: [1, 0],
		});
		expect(() => splitBody({ model: 'm' }, 1)).toThrow('does not hold binary 0 exactly once');
	});

	it.each([0, 1, 2, 3, 4].map((mod) => 3 * 1000 + mod))('a body with %i-byte files is the JSON the whole data: URIs made, with an exact length, on every attempt', async (length) => {
		const video = bytesOf(length, 1);
		const mask = bytesOf(length + 1, 2);
		const body = {
			model: 'wan',
			prompt: 'a "quoted" prompt, ünïcode ✓',
			video_url: `data:video/mp4;base64,${binaryPlaceholder(0)}`,
			mask_image_url: `data:image/png;base64,${binaryPlaceholder(1)}`,
			seed: 3,
		};
		const whole = JSON.stringify({ ...body, video_url: `data:video/mp4;base64,${video.toString('base64')}`, mask_image_url: `data:image/png;base64,${mask.toString('base64')}` });
		const files = new Map([['p0', video], ['p1', mask]]);
		let opened = 0;
		const streamed = binaryBody(body, [input(0, video), input(1, mask, { base64: mask.toString('base64'), id: undefined })], (file) => {
			opened++;
			const bytes = files.get(file.property) as Buffer;
			return file.base64 !== undefined ? textPieces(file.base64, 100) : base64Pieces(unevenChunks(bytes), bytes.length);
		});
		for (let attempt = 0; attempt < 2; attempt++) {
			const sent = await collect(streamed.chunks());
			expect(sent.toString('utf8')).toBe(whole);
			expect(sent.length).toBe(streamed.contentLength);
		}
		expect(opened).toBe(4);
	});

	it('a read failure mid-body names the binary and ends the stream with an error', async () => {
		const video = bytesOf(5000);
		const streamed = binaryBody({ video_url: `data:video/mp4;base64,${binaryPlaceholder(0)}` }, [input(0, video)], async function* () {
			yield Buffer.from(video.subarray(0, 3000).toString('base64'));
			throw new Error('ENOENT: the file is gone');
		});
		await expect(collect(streamed.chunks())).rejects.toThrow('ENOENT: the file is gone');
		expect(streamed.failure).toEqual({ input: expect.objectContaining({ label: 'Field 0' }), reason: 'ENOENT: the file is gone' });
	});

	it('closes the file when the request stops reading early', async () => {
		let closed = false;
		const streamed = binaryBody({ video_url: `data:video/mp4;base64,${binaryPlaceholder(0)}` }, [input(0, bytesOf(6))], async function* () {
			try {
				yield Buffer.from('AAAA');
				yield Buffer.from('BBBB');
			} finally {
				closed = true;
			}
		});
		const chunks = streamed.chunks()[Symbol.asyncIterator]();
		await chunks.next();
		await chunks.next();
		await chunks.return?.(undefined);
		expect(closed).toBe(true);
		expect(streamed.failure).toBeUndefined();
	});

	it('fingerprints a stored binary by its ID and size, an in-memory one by its text', () => {
		const body = { video_url: `data:video/mp4;base64,${binaryPlaceholder(0)}` };
		const stored = input(0, bytesOf(10));
		expect(requestFingerprint(body, [stored])).toBe(requestFingerprint(body, [{ ...stored }]));
		expect(requestFingerprint(body, [stored])).not.toBe(requestFingerprint(body, [{ ...stored, id: 'filesystem-v2:other' }]));
		const memory = { ...stored, id: undefined, base64: bytesOf(10).toString('base64') };
		expect(requestFingerprint(body, [memory])).not.toBe(requestFingerprint(body, [{ ...memory, base64: bytesOf(10, 9).toString('base64') }]));
	});

	it("hands n8n's request helper a body it passes on, and axios a Blob of the exact length", async () => {
		const blob = readableBody({ contentLength: 8, chunks: async function* () {
			yield Buffer.from('{"a":');
			yield Buffer.from('1}');
		} });
		expect(blob.constructor.name).toBe('Readable');
		expect(isObjectEmpty(blob)).toBe(false);
		expect(Object.prototype.toString.call(blob)).toBe('[object Blob]');
		expect(blob.size).toBe(8);
		expect(blob.type).toBe('application/json');
		expect((await collect(blob.stream() as unknown as AsyncIterable<Buffer>)).toString()).toBe('{"a":1}');
	});
});
