/**
 * The hosts the node's inputs come from, good and bad: fixture files with ranged reads,
 * large generated MP4s, share pages, private and missing files, a redirect to a login
 * page, slow answers. Served under /inputs/ next to the API; logged in `inputLog`, not in
 * the API's log, so "nothing reached the API" stays easy to check.
 */
import { fs, path } from '../support/node';

import { MEDIA_DIR } from './media';
import type { IncomingMessage, ServerResponse } from './responses';
import type { SimulatorState } from './state';

export const INPUTS_PREFIX = '/inputs/';

export interface InputLogEntry {
	at: number;
	path: string;
	method: string;
	range?: string;
	status: number;
	/** Body bytes written to the socket (the client may close it earlier). */
	bytesSent: number;
	/** When the exchange closed (answered, or the client went away). */
	endedAt?: number;
}

const CONTENT_TYPES: Record<string, string> = {
	mp4: 'video/mp4',
	mov: 'video/quicktime',
	webm: 'video/webm',
	png: 'image/png',
	jpg: 'image/jpeg',
	webp: 'image/webp',
};

/** A file served by slices: real bytes, or runs of zeros standing in for media data. */
interface VirtualFile {
	size: number;
	slice(offset: number, length: number): Buffer;
}

type Part = Buffer | number;

function virtualFile(parts: Part[]): VirtualFile {
	const size = parts.reduce<number>((total, part) => total + (typeof part === 'number' ? part : part.length), 0);
	return {
		size,
		slice(offset, length) {
			const out = Buffer.alloc(length);
			let at = 0;
			for (const part of parts) {
				const partSize = typeof part === 'number' ? part : part.length;
				const from = Math.max(offset, at);
				const to = Math.min(offset + length, at + partSize);
				if (from < to && typeof part !== 'number') part.copy(out, from - offset, from - at, to - at);
				at += partSize;
			}
			return out;
		},
	};
}

const fixtureCache = new Map<string, Buffer>();

export function fixture(name: string): Buffer | undefined {
	if (!/^[\w.-]+$/.test(name)) return undefined;
	if (!fixtureCache.has(name)) {
		const file = path.join(MEDIA_DIR, name);
		if (!fs.existsSync(file)) return undefined;
		fixtureCache.set(name, fs.readFileSync(file));
	}
	return fixtureCache.get(name);
}

function box(type: string, size: number): Buffer {
	const header = Buffer.alloc(8);
	header.writeUInt32BE(size, 0);
	header.write(type, 4, 'latin1');
	return header;
}

/**
 * An MP4 of `bytes` bytes made of moov-last.mp4's ftyp and moov around an mdat of zeros:
 * moov first (fast start) or last. The probe reads its headers; nobody decodes its frames.
 */
export function largeMp4(bytes: number, moovFirst: boolean): VirtualFile {
	const source = fixture('moov-last.mp4')!;
	const ftyp = source.subarray(0, 32);
	const moov = source.subarray(1469);
	const mdatBytes = bytes - ftyp.length - moov.length;
	const mdat = box('mdat', mdatBytes);
	return virtualFile(moovFirst ? [ftyp, moov, mdat, mdatBytes - 8] : [ftyp, mdat, mdatBytes - 8, moov]);
}

const SHARE_PAGE = `<!DOCTYPE html><html><head><title>coast-road.mp4 - Google Drive</title></head>
<body><div id="viewer">Preview of coast-road.mp4</div><script>window.viewerData = {};</script></body></html>`;
const LOGIN_PAGE = '<!doctype html><html><head><title>Sign in</title></head><body><form action="/login"><input name="user"><input type="password" name="password"></form></body></html>';
const S3_DENIED = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>';

function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
	const match = /^bytes=(\d+)-(\d*)$/.exec(header ?? '');
	if (!match) return undefined;
	const start = Number(match[1]);
	if (start >= size) return 'unsatisfiable';
	const end = match[2] === '' ? size - 1 : Math.min(size - 1, Number(match[2]));
	return { start, end };
}

async function wait(state: SimulatorState, ms: number): Promise<void> {
	await new Promise<void>((resolve) => state.schedule(ms, resolve));
}

/** Writes [start, end] of file in 64 KiB chunks, honouring backpressure, until done or the client leaves. */
async function writeFile(res: ServerResponse, file: VirtualFile, start: number, end: number, entry: InputLogEntry): Promise<void> {
	const chunk = 64 * 1024;
	for (let offset = start; offset <= end && !res.destroyed; offset += chunk) {
		const bytes = file.slice(offset, Math.min(chunk, end + 1 - offset));
		entry.bytesSent += bytes.length;
		if (!res.write(bytes)) await drainedOrClosed(res);
	}
	res.end();
}

/**
 * Resolves on the response's next 'drain' or 'close', whichever comes first, and removes both
 * listeners then: a large file waits here once per full buffer, and listeners left behind
 * pile up on the response (MaxListenersExceededWarning after 10).
 */
function drainedOrClosed(res: ServerResponse): Promise<void> {
	return new Promise((resolve) => {
		if (res.destroyed) return resolve();
		const done = () => {
			res.off('drain', done);
			res.off('close', done);
			resolve();
		};
		res.on('drain', done);
		res.on('close', done);
	});
}

function resolveFile(name: string, query: URLSearchParams): VirtualFile | undefined {
	if (name === 'empty.mp4') return virtualFile([]);
	const large = /^large-(faststart|moov-last)\.mp4$/.exec(name);
	if (large) return largeMp4(Number(query.get('bytes') ?? 10 * 1024 * 1024), large[1] === 'faststart');
	const bytes = fixture(name);
	return bytes && virtualFile([bytes]);
}

export async function handleInputRequest(state: SimulatorState, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
	const name = url.pathname.slice(INPUTS_PREFIX.length);
	const query = url.searchParams;
	const entry: InputLogEntry = { at: Date.now(), path: url.pathname + url.search, method: req.method ?? 'GET', range: req.headers.range, status: 0, bytesSent: 0 };
	state.inputLog.push(entry);
	res.on('close', () => (entry.endedAt = Date.now()));
	const send = (status: number, type: string, body: string, headers: Record<string, string> = {}) => {
		entry.status = status;
		entry.bytesSent = Buffer.byteLength(body);
		res.writeHead(status, { 'content-type': type, 'content-length': String(entry.bytesSent), ...headers });
		res.end(body);
	};
	const delayMs = Number(query.get('delayMs') ?? 0);
	if (delayMs > 0) await wait(state, delayMs);
	if (res.destroyed) return;
	if (name === 'reset') {
		req.socket.destroy();
		return;
	}
	const status = /^status\/(\d{3})$/.exec(name);
	if (status) {
		const code = Number(status[1]);
		if (code === 403) send(code, 'application/xml', S3_DENIED);
		else send(code, 'text/plain', `HTTP ${code}`);
		return;
	}
	if (name === 'share-page') return send(200, 'text/html; charset=utf-8', SHARE_PAGE);
	if (name === 'share-page-untyped') return send(200, 'application/octet-stream', SHARE_PAGE);
	if (name === 'redirect-login') return send(302, 'text/plain', 'Found', { location: `${INPUTS_PREFIX}login?next=coast-road.mp4` });
	if (name === 'login') return send(200, 'text/html', LOGIN_PAGE);
	if (name === 'expired') return send(200, 'text/plain', 'Request has expired. Create a new link.');
	const reads = query.get('reads');
	if (reads !== null && state.inputLog.filter((logged) => logged.path === entry.path).length > Number(reads)) {
		return send(403, 'application/xml', S3_DENIED); // a presigned link that has expired
	}
	const file = resolveFile(name, query);
	if (!file) return send(404, 'text/plain', 'Not Found');
	const type = query.get('type') ?? CONTENT_TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream';
	const range = query.get('norange') ? undefined : parseRange(req.headers.range, file.size);
	if (range === 'unsatisfiable') return send(416, 'text/plain', 'Range Not Satisfiable', { 'content-range': `bytes */${file.size}` });
	const [start, end] = range ? [range.start, range.end] : [0, file.size - 1];
	entry.status = range ? 206 : 200;
	res.writeHead(entry.status, {
		'content-type': type,
		'content-length': String(Math.max(0, end + 1 - start)),
		'accept-ranges': 'bytes',
		...(range ? { 'content-range': `bytes ${start}-${end}/${file.size}` } : {}),
	});
	const stallMs = Number(query.get('stallMs') ?? 0);
	if (stallMs > 0) {
		res.write(file.slice(start, Math.min(16, end + 1 - start)));
		await wait(state, stallMs);
	}
	await writeFile(res, file, start, end, entry);
}
