import { type MediaReader, UnreadableMedia } from './bytes';
import { type MediaFacts, completeTiming, round } from './facts';

/** WebM and Matroska: EBML elements; Info and Tracks come before the first Cluster of media data. */

const EBML_HEADER = 0x1a45dfa3;
const DOC_TYPE = 0x4282;
const SEGMENT = 0x18538067;
const INFO = 0x1549a966;
const TIMECODE_SCALE = 0x2ad7b1;
const DURATION = 0x4489;
const TRACKS = 0x1654ae6b;
const TRACK_ENTRY = 0xae;
const TRACK_TYPE = 0x83;
const DEFAULT_DURATION = 0x23e383;
const VIDEO = 0xe0;
const PIXEL_WIDTH = 0xb0;
const PIXEL_HEIGHT = 0xba;
const CLUSTER = 0x1f43b675;

const VIDEO_TRACK_TYPE = 1;
/** Largest Info or Tracks element read in full. */
const MAX_ELEMENT_BYTES = 4 * 1024 * 1024;
const MAX_SEGMENT_CHILDREN = 64;

interface Element {
	id: number;
	/** Offset of the element's data, and its end (Infinity: "unknown size", up to the parent's end). */
	start: number;
	end: number;
}

/** Reads an EBML variable-length integer; `keepMarker` for element IDs. */
function vint(buffer: Buffer, at: number, keepMarker: boolean): { value: number; length: number; unknown: boolean } | undefined {
	const first = buffer[at];
	if (first === undefined || first === 0) return undefined;
	const length = Math.clz32(first) - 23;
	if (length > 8 || at + length > buffer.length) return undefined;
	let value = keepMarker ? first : first & (0xff >> length);
	let allOnes = value === (0xff >> length);
	for (let i = 1; i < length; i++) {
		value = value * 256 + buffer[at + i];
		allOnes &&= buffer[at + i] === 0xff;
	}
	return { value, length, unknown: !keepMarker && allOnes };
}

function element(buffer: Buffer, at: number): Element | undefined {
	const id = vint(buffer, at, true);
	if (!id) return undefined;
	const size = vint(buffer, at + id.length, false);
	if (!size) return undefined;
	const start = at + id.length + size.length;
	return { id: id.value, start, end: size.unknown ? Infinity : start + size.value };
}

function childElements(buffer: Buffer, start: number, end: number): Element[] {
	const found: Element[] = [];
	let at = start;
	const limit = Math.min(end, buffer.length);
	while (at < limit) {
		const next = element(buffer, at);
		if (!next || next.end === Infinity) break;
		found.push(next);
		at = next.end;
	}
	return found;
}

function uint(buffer: Buffer, el: Element): number {
	let value = 0;
	for (let i = el.start; i < Math.min(el.end, buffer.length); i++) value = value * 256 + buffer[i];
	return value;
}

function float(buffer: Buffer, el: Element): number | undefined {
	const size = el.end - el.start;
	if (el.end > buffer.length) return undefined;
	if (size === 4) return buffer.readFloatBE(el.start);
	if (size === 8) return buffer.readDoubleBE(el.start);
	return undefined;
}

function describeInfo(buffer: Buffer, info: Element, facts: MediaFacts): void {
	const fields = childElements(buffer, info.start, info.end);
	const scaleElement = fields.find((el) => el.id === TIMECODE_SCALE);
	const scale = scaleElement ? uint(buffer, scaleElement) : 1_000_000;
	const durationElement = fields.find((el) => el.id === DURATION);
	const duration = durationElement ? float(buffer, durationElement) : undefined;
	if (duration && duration > 0) facts.durationSeconds = round((duration * scale) / 1e9);
}

function describeTracks(buffer: Buffer, tracks: Element, facts: MediaFacts): void {
	const entries = childElements(buffer, tracks.start, tracks.end).filter((el) => el.id === TRACK_ENTRY);
	const video = entries
		.map((entry) => childElements(buffer, entry.start, entry.end))
		.find((fields) => fields.some((el) => el.id === TRACK_TYPE && uint(buffer, el) === VIDEO_TRACK_TYPE));
	if (!video) throw new UnreadableMedia(entries.length ? 'it has no video track' : 'it has no tracks at all');
	const frameDuration = video.find((el) => el.id === DEFAULT_DURATION);
	if (frameDuration) {
		const ns = uint(buffer, frameDuration);
		if (ns > 0) facts.framesPerSecond = round(1e9 / ns);
	}
	const picture = video.find((el) => el.id === VIDEO);
	if (picture) {
		const fields = childElements(buffer, picture.start, picture.end);
		const width = fields.find((el) => el.id === PIXEL_WIDTH);
		const height = fields.find((el) => el.id === PIXEL_HEIGHT);
		if (width && height) {
			facts.width = uint(buffer, width);
			facts.height = uint(buffer, height);
		}
	}
}

/** The DocType of the EBML header ("webm", "matroska"). */
export function matroskaDocType(head: Buffer): string | undefined {
	const header = element(head, 0);
	if (!header || header.id !== EBML_HEADER) return undefined;
	const docType = childElements(head, header.start, header.end).find((el) => el.id === DOC_TYPE);
	return docType ? head.toString('latin1', docType.start, Math.min(docType.end, head.length)).replace(/\0+$/, '') : 'matroska';
}

export async function probeMatroska(reader: MediaReader, container: string): Promise<MediaFacts> {
	const head = await reader.get(0, 64);
	const header = head && element(head, 0);
	if (!header || header.id !== EBML_HEADER || header.end === Infinity) throw new UnreadableMedia('its EBML header is damaged');
	const segmentHead = await reader.get(header.end, 16);
	const segment = segmentHead && element(segmentHead, 0);
	if (!segment || segment.id !== SEGMENT) throw new UnreadableMedia('no Segment follows its EBML header');
	const facts: MediaFacts = { kind: 'video', container };
	let at = header.end + segment.start;
	const segmentEnd = segment.end === Infinity ? Infinity : header.end + segment.end;
	let sawTracks = false;
	for (let i = 0; i < MAX_SEGMENT_CHILDREN && at < segmentEnd; i++) {
		const childHead = await reader.get(at, 16);
		if (!childHead) return completeTiming(facts);
		const next = element(childHead, 0);
		if (!next || next.id === CLUSTER || next.end === Infinity) break;
		if (next.id === INFO || next.id === TRACKS) {
			const length = next.end;
			if (length > MAX_ELEMENT_BYTES) throw new UnreadableMedia(`an element of ${length} bytes is larger than this check reads`);
			const bytes = await reader.get(at, length);
			if (!bytes) return completeTiming(facts);
			if (bytes.length < length) throw new UnreadableMedia('the file ends inside its track descriptions: it was cut short');
			const whole: Element = { id: next.id, start: next.start, end: length };
			if (next.id === INFO) describeInfo(bytes, whole, facts);
			else {
				describeTracks(bytes, whole, facts);
				sawTracks = true;
			}
		}
		at += next.end;
	}
	if (!sawTracks) throw new UnreadableMedia('no track descriptions (Tracks) come before its media data');
	return completeTiming(facts);
}
