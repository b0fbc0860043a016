import { type MediaReader, UnreadableMedia, fourCc } from './bytes';
import type { MediaFacts } from './facts';
import { probeImage } from './images';
import { isoBmffContainer, isoBmffImageBrand, probeIsoBmff } from './isoBmff';
import { matroskaDocType, probeMatroska } from './matroska';

export type { MediaFacts } from './facts';
export { type ByteSource, MediaReader, UnreadableMedia, bufferSource } from './bytes';

/** What a file's first bytes say it is. */
export type Sniffed =
	| { kind: 'video' | 'image'; container: string }
	/** A web page (HTML), e.g. a share page instead of the file. */
	| { kind: 'page' }
	/** Text: an XML or JSON error document, a plain-text message. */
	| { kind: 'text'; excerpt: string }
	| { kind: 'unknown' };

const ISO_BMFF_FIRST_BOXES = new Set(['ftyp', 'moov', 'mdat', 'wide', 'free', 'skip']);

function startsWith(head: Buffer, bytes: number[]): boolean {
	return bytes.every((byte, i) => head[i] === byte);
}

function looksLikeText(head: Buffer): boolean {
	const sample = head.subarray(0, 512);
	if (sample.length === 0) return false;
	let printable = 0;
	for (const byte of sample) if (byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte !== 127)) printable++;
	return printable / sample.length > 0.95;
}

const HTML_START = /^(?:\ufeff)?\s*(?:<!doctype html|<html|<head|<body|<!--|<meta|<script|<title|<div|<p[\s>])/i;

/** Identifies a file by its magic bytes, whatever its name or Content-Type says. */
export function sniff(head: Buffer): Sniffed {
	if (head.length >= 8 && ISO_BMFF_FIRST_BOXES.has(fourCc(head, 4))) {
		const imageBrand = isoBmffImageBrand(head);
		return imageBrand ? { kind: 'image', container: imageBrand } : { kind: 'video', container: isoBmffContainer(head) };
	}
	if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) {
		const docType = matroskaDocType(head);
		return { kind: 'video', container: docType === 'webm' ? 'webm' : 'matroska' };
	}
	if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: 'image', container: 'png' };
	if (startsWith(head, [0xff, 0xd8, 0xff])) return { kind: 'image', container: 'jpeg' };
	if (fourCc(head, 0) === 'RIFF' && head.length >= 12) {
		const form = fourCc(head, 8);
		if (form === 'WEBP') return { kind: 'image', container: 'webp' };
		if (form === 'AVI ') return { kind: 'video', container: 'avi' };
	}
	if (head.toString('latin1', 0, 6) === 'GIF87a' || head.toString('latin1', 0, 6) === 'GIF89a') return { kind: 'image', container: 'gif' };
	if (head.length >= 26 && head.toString('latin1', 0, 2) === 'BM') return { kind: 'image', container: 'bmp' };
	if (head.toString('latin1', 0, 3) === 'FLV') return { kind: 'video', container: 'flv' };
	if (head[0] === 0x47 && (head.length < 189 || head[188] === 0x47)) return { kind: 'video', container: 'mpegts' };
	if (startsWith(head, [0x00, 0x00, 0x01, 0xba])) return { kind: 'video', container: 'mpeg' };
	const text = looksLikeText(head) ? head.toString('utf8', 0, 2048) : undefined;
	if (text !== undefined) {
		if (HTML_START.test(text) || /<html[\s>]/i.test(text)) return { kind: 'page' };
		return { kind: 'text', excerpt: text.replace(/\s+/g, ' ').trim().slice(0, 160) };
	}
	return { kind: 'unknown' };
}

/** A file that claims a format whose header is broken: why it cannot be read. */
export interface Unreadable {
	unreadable: string;
}

/**
 * Reads the size and timing of a video or image from its headers. Containers it knows
 * no more of than their name (AVI, MPEG-TS, GIF animations...) give just that.
 */
export async function probeMedia(reader: MediaReader, sniffed: { kind: 'video' | 'image'; container: string }): Promise<MediaFacts | Unreadable> {
	try {
		if (sniffed.container === 'mp4' || sniffed.container === 'mov') return await probeIsoBmff(reader, sniffed.container);
		if (sniffed.container === 'webm' || sniffed.container === 'matroska') return await probeMatroska(reader, sniffed.container);
		if (sniffed.kind === 'image') return await probeImage(reader, sniffed.container);
		return { kind: sniffed.kind, container: sniffed.container };
	} catch (error) {
		if (error instanceof UnreadableMedia) return { unreadable: error.message };
		// A field read past the end of a short buffer: the header is cut short.
		if (error instanceof RangeError) return { unreadable: 'its header is cut short' };
		return { unreadable: error instanceof Error ? error.message : String(error) };
	}
}

export function isUnreadable(result: MediaFacts | Unreadable): result is Unreadable {
	return 'unreadable' in result;
}
