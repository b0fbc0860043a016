import { type MediaReader, UnreadableMedia, fourCc } from './bytes';
import { type MediaFacts, completeTiming, round } from './facts';

/** ISO base media files (MP4, MOV, 3GP): the `moov` box describes the tracks; it may sit before or after the media data. */

/** Largest `moov` read in full: a two-hour 60 fps video's tables fit well within this. */
const MAX_MOOV_BYTES = 32 * 1024 * 1024;
/** Top-level boxes walked before giving up on finding `moov`. */
const MAX_TOP_LEVEL_BOXES = 64;

interface Box {
	type: string;
	/** Offset of the box's content (after its header), relative to the buffer. */
	start: number;
	end: number;
	/** The box runs past the end of the bytes at hand (a moov read only in part). */
	cut: boolean;
}

const CONTAINER_BOXES = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl']);

/** The child boxes of bytes [start, end) of buffer; a box running past the end is cut to it. */
function children(buffer: Buffer, start: number, end: number): Box[] {
	const boxes: Box[] = [];
	let offset = start;
	while (offset + 8 <= end) {
		let size = buffer.readUInt32BE(offset);
		const type = fourCc(buffer, offset + 4);
		let header = 8;
		if (size === 1 && offset + 16 <= end) {
			size = Number(buffer.readBigUInt64BE(offset + 8));
			header = 16;
		} else if (size === 0) {
			size = end - offset;
		}
		if (size < header) break;
		boxes.push({ type, start: offset + header, end: Math.min(end, offset + size), cut: offset + size > end });
		offset += size;
	}
	return boxes;
}

function child(buffer: Buffer, parent: Box, type: string): Box | undefined {
	return children(buffer, parent.start, parent.end).find((box) => box.type === type);
}

function path(buffer: Buffer, parent: Box, types: string[]): Box | undefined {
	let box: Box | undefined = parent;
	for (const type of types) {
		if (!box || !CONTAINER_BOXES.has(box.type)) return undefined;
		box = child(buffer, box, type);
	}
	return box;
}

/** Timescale and duration of an mvhd or mdhd box (version 0 or 1). */
function timing(buffer: Buffer, box: Box): { timescale: number; duration: number } | undefined {
	const version = buffer[box.start];
	const at = box.start + (version === 1 ? 20 : 12);
	if (at + (version === 1 ? 12 : 8) > box.end) return undefined;
	const timescale = buffer.readUInt32BE(at);
	const duration = version === 1 ? Number(buffer.readBigUInt64BE(at + 4)) : buffer.readUInt32BE(at + 4);
	return timescale > 0 ? { timescale, duration } : undefined;
}

/** Width and height from tkhd (16.16 fixed point), swapped when its matrix turns the picture by 90°. */
function trackSize(buffer: Buffer, tkhd: Box): { width: number; height: number } | undefined {
	const base = tkhd.start + (buffer[tkhd.start] === 1 ? 52 : 40);
	if (base + 44 > tkhd.end) return undefined;
	const width = Math.round(buffer.readUInt32BE(base + 36) / 65536);
	const height = Math.round(buffer.readUInt32BE(base + 40) / 65536);
	const a = buffer.readInt32BE(base);
	const b = buffer.readInt32BE(base + 4);
	const quarterTurn = a === 0 && b !== 0;
	return quarterTurn ? { width: height, height: width } : { width, height };
}

/** Coded size from the first visual sample entry of stsd, when tkhd gives none. */
function sampleEntrySize(buffer: Buffer, stsd: Box): { width: number; height: number } | undefined {
	const entry = stsd.start + 8;
	if (entry + 36 > stsd.end) return undefined;
	return { width: buffer.readUInt16BE(entry + 32), height: buffer.readUInt16BE(entry + 34) };
}

/** Sum of the sample counts in stts: the number of frames of a video track. */
function sampleCount(buffer: Buffer, stbl: Box): number | undefined {
	const stts = child(buffer, stbl, 'stts');
	if (stts && stts.start + 8 <= stts.end) {
		const entries = buffer.readUInt32BE(stts.start + 4);
		let total = 0;
		for (let i = 0; i < entries && stts.start + 16 + i * 8 <= stts.end; i++) total += buffer.readUInt32BE(stts.start + 8 + i * 8);
		if (total > 0) return total;
	}
	const stsz = child(buffer, stbl, 'stsz');
	if (stsz && stsz.start + 12 <= stsz.end) return buffer.readUInt32BE(stsz.start + 8) || undefined;
	return undefined;
}

function handlerType(buffer: Buffer, mdia: Box): string | undefined {
	const hdlr = child(buffer, mdia, 'hdlr');
	return hdlr && hdlr.start + 12 <= hdlr.end ? fourCc(buffer, hdlr.start + 8) : undefined;
}

/**
 * The video track's figures from a moov box. `whole: false`: only its first bytes are at
 * hand; undefined when they do not hold every box needed (the caller reads the whole moov).
 */
function describeMoov(moov: Buffer, container: string, whole: boolean): MediaFacts | undefined {
	const root: Box = { type: 'moov', start: 0, end: moov.length, cut: !whole };
	const tracks = children(moov, 0, moov.length).filter((box) => box.type === 'trak');
	const video = tracks.find((trak) => {
		const mdia = child(moov, trak, 'mdia');
		return mdia !== undefined && handlerType(moov, mdia) === 'vide';
	});
	if (!video && !whole) return undefined;
	if (!video) {
		const kinds = tracks.map((trak) => handlerType(moov, child(moov, trak, 'mdia') ?? trak) ?? '?');
		throw new UnreadableMedia(tracks.length ? `it has no video track (only ${kinds.map(describeHandler).join(', ')})` : 'it has no tracks at all');
	}
	const tkhd = child(moov, video, 'tkhd');
	const mdhd = path(moov, video, ['mdia', 'mdhd']);
	const stbl = path(moov, video, ['mdia', 'minf', 'stbl']);
	const stts = stbl && child(moov, stbl, 'stts');
	if (!whole && [tkhd, mdhd, stts].some((box) => !box || box.cut)) return undefined;
	const facts: MediaFacts = { kind: 'video', container };
	const size = (tkhd && trackSize(moov, tkhd)) || (stbl && child(moov, stbl, 'stsd') && sampleEntrySize(moov, child(moov, stbl, 'stsd')!));
	if (size && size.width > 0 && size.height > 0) Object.assign(facts, size);
	const mvhd = child(moov, root, 'mvhd');
	const time = (mdhd && timing(moov, mdhd)) || (mvhd && timing(moov, mvhd));
	if (time && time.duration > 0) facts.durationSeconds = round(time.duration / time.timescale);
	if (stbl) facts.frames = sampleCount(moov, stbl);
	// From the unrounded duration: 12 frames in 12012/30000 s are 29.97 fps, not 12 / 0.4 = 30.
	if (time && time.duration > 0 && facts.frames) facts.framesPerSecond = round((facts.frames * time.timescale) / time.duration);
	return completeTiming(facts);
}

function describeHandler(handler: string): string {
	return { soun: 'audio', subt: 'subtitles', text: 'text', hint: 'hint', meta: 'metadata' }[handler] ?? handler;
}

/** Major brands of still images (HEIF, AVIF) stored in the same box format. */
const IMAGE_BRANDS = new Set(['avif', 'avis', 'heic', 'heix', 'heif', 'mif1', 'msf1']);

export function isoBmffImageBrand(head: Buffer): string | undefined {
	if (head.length < 12 || fourCc(head, 4) !== 'ftyp') return undefined;
	const brand = fourCc(head, 8);
	return IMAGE_BRANDS.has(brand) ? (brand.startsWith('avi') ? 'avif' : 'heif') : undefined;
}

export function isoBmffContainer(head: Buffer): string {
	return head.length >= 12 && fourCc(head, 4) === 'ftyp' && fourCc(head, 8) === 'qt  ' ? 'mov' : 'mp4';
}

/**
 * Finds `moov` among the top-level boxes, skipping `mdat` by its size: when `moov` comes
 * last, the reader fetches it with one ranged read of the tail.
 */
export async function probeIsoBmff(reader: MediaReader, container: string): Promise<MediaFacts> {
	let offset = 0;
	let sawMediaData = false;
	for (let boxes = 0; boxes < MAX_TOP_LEVEL_BOXES; boxes++) {
		if (reader.size !== undefined && offset >= reader.size) break;
		const header = await reader.get(offset, 16);
		// The server sends no more than the first bytes (no ranged requests): nothing more to learn.
		if (!header) return { kind: 'video', container };
		if (header.length < 8) break;
		let size = header.readUInt32BE(0);
		const type = fourCc(header, 4);
		if (!/^[\x20-\x7e]{4}$/.test(type)) throw new UnreadableMedia(`byte ${offset} does not start a valid box ("${type.replace(/[^\x20-\x7e]/g, '?')}")`);
		if (size === 1) size = header.length >= 16 ? Number(header.readBigUInt64BE(8)) : 0;
		else if (size === 0) size = (reader.size ?? offset) - offset;
		if (size < 8) throw new UnreadableMedia(`its ${type} box at byte ${offset} has an impossible size (${size})`);
		if (type === 'moov') {
			// A long video's moov is large (sample tables), but the video track usually comes first: its first bytes may do.
			const start = reader.peek(offset) ?? (await reader.get(offset, 16));
			const partial = start && start.length < size && (reader.size === undefined || offset + start.length < reader.size);
			const fromStart = partial ? describeMoov(start.subarray(8), container, false) : undefined;
			if (fromStart) return fromStart;
			if (size > MAX_MOOV_BYTES) throw new UnreadableMedia(`its moov box is ${size} bytes long, more than the ${MAX_MOOV_BYTES} this check reads`);
			const moov = await reader.get(offset, size);
			if (!moov) return { kind: 'video', container };
			if (moov.length < size) throw new UnreadableMedia('the file ends inside its moov box: it was cut short');
			return describeMoov(moov.subarray(8), container, true) as MediaFacts;
		}
		if (type === 'mdat') sawMediaData = true;
		if (reader.size !== undefined && offset + size > reader.size) {
			throw new UnreadableMedia(
				`the file ends inside its ${type} box (${reader.size} of ${offset + size} bytes) before any moov box: it was cut short or is still being written`,
			);
		}
		offset += size;
	}
	throw new UnreadableMedia(
		sawMediaData ? 'it has media data but no moov box (the header describing the video): the file is incomplete' : 'it has no moov box (the header describing the video)',
	);
}
