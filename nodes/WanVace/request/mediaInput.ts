import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import type { MediaKind } from '../descriptions/apiParameters';
import { operationError } from '../errors';
import { type BinaryInput, describeBinary } from './binaryInput';

/**
 * Largest file the node inlines as a base64 data: URI. AI/ML API documents no input size
 * limit; these bounds keep request bodies reasonable. Larger files: pass an https URL.
 */
export const MAX_INLINE_BYTES: Record<MediaKind, number> = {
	video: 50 * 1024 * 1024,
	image: 10 * 1024 * 1024,
};

const EXTENSION_MIME_TYPES: Record<string, string> = {
	mp4: 'video/mp4',
	m4v: 'video/mp4',
	mov: 'video/quicktime',
	webm: 'video/webm',
	mkv: 'video/x-matroska',
	avi: 'video/x-msvideo',
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	webp: 'image/webp',
	gif: 'image/gif',
	bmp: 'image/bmp',
};

export interface MediaField {
	/** How the user knows the field, e.g. "Video" or "Options > First Frame Image". */
	label: string;
	apiName: string;
	kind: MediaKind;
	/** What to change to fix a problem, e.g. 'set "Video Source" to "Binary File"'. */
	binaryAlternative: string;
}

export function formatBytes(bytes: number): string {
	if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
	if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
	return `${bytes} bytes`;
}

function quote(value: string): string {
	const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
	return JSON.stringify(shown);
}

const DATA_URI_HEADER = /^data:([a-z]+)\/([a-z0-9.+-]+)((?:;[a-z0-9-]+=[a-z0-9.+-]+)*);base64$/i;
const BASE64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decoded size of a base64 payload. */
function base64Bytes(payload: string): number {
	const padding = payload.endsWith('==') ? 2 : payload.endsWith('=') ? 1 : 0;
	return Math.floor((payload.length * 3) / 4) - padding;
}

function inputError(ctx: IExecuteFunctions, itemIndex: number, message: string, description: string) {
	return operationError(ctx.getNode(), message, { itemIndex, description });
}

function checkInlineSize(ctx: IExecuteFunctions, itemIndex: number, field: MediaField, bytes: number): void {
	const limit = MAX_INLINE_BYTES[field.kind];
	if (bytes > limit) {
		throw inputError(
			ctx,
			itemIndex,
			`${field.label} is too large to send inline: ${formatBytes(bytes)} (limit ${formatBytes(limit)})`,
			`Files are sent to AI/ML API as base64 inside the request, which this node limits to ${formatBytes(limit)} for ${field.kind}s. Upload the file somewhere reachable over https (S3, Google Drive, a CDN) and pass its URL instead.`,
		);
	}
}

function validateDataUri(ctx: IExecuteFunctions, itemIndex: number, field: MediaField, value: string): void {
	const comma = value.indexOf(',');
	const header = comma === -1 ? value : value.slice(0, comma);
	const match = DATA_URI_HEADER.exec(header);
	if (comma === -1 || !match) {
		throw inputError(
			ctx,
			itemIndex,
			`${field.label} is not a valid base64 data: URI`,
			`Expected "data:${field.kind}/<type>;base64,<data>", got ${quote(header)}. Or ${field.binaryAlternative}.`,
		);
	}
	const mainType = match[1].toLowerCase();
	if (mainType !== field.kind) {
		throw inputError(
			ctx,
			itemIndex,
			`${field.label} must hold ${field.kind === 'video' ? 'a video' : 'an image'}, but the data: URI holds ${mainType}/${match[2]}`,
			`Pass a data:${field.kind}/... URI (for example data:${field.kind === 'video' ? 'video/mp4' : 'image/png'};base64,...) or an https URL to a ${field.kind}.`,
		);
	}
	const payload = value.slice(comma + 1);
	if (payload.length === 0 || !BASE64_BODY.test(payload)) {
		throw inputError(
			ctx,
			itemIndex,
			`${field.label} has a data: URI whose payload is not valid base64`,
			'The part after the comma must be standard base64 (A-Z, a-z, 0-9, +, /, = padding) without spaces.',
		);
	}
	checkInlineSize(ctx, itemIndex, field, base64Bytes(payload));
}

/** Validates a media reference typed by the user: an http(s) URL or a base64 data: URI. */
export function validateMediaUrl(ctx: IExecuteFunctions, itemIndex: number, field: MediaField, raw: unknown): string {
	if (typeof raw !== 'string' || raw.trim() === '') {
		throw inputError(
			ctx,
			itemIndex,
			`${field.label} is empty`,
			`Enter an https URL of the ${field.kind}, or a data:${field.kind}/...;base64 URI, or ${field.binaryAlternative}.`,
		);
	}
	const value = raw.trim();
	if (/^data:/i.test(value)) {
		validateDataUri(ctx, itemIndex, field, value);
		return value;
	}
	let url: URL | undefined;
	try {
		url = new URL(value);
	} catch {
		url = undefined;
	}
	if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
		const scheme = url ? ` (${url.protocol} is not supported)` : '';
		throw inputError(
			ctx,
			itemIndex,
			`${field.label} must be an http(s) URL or a data: URI, got ${quote(value)}${scheme}`,
			`AI/ML API downloads the ${field.kind} from this address, so it must start with https:// (or http://). To send a file from your workflow, ${field.binaryAlternative}.`,
		);
	}
	if (!url.hostname) {
		throw inputError(ctx, itemIndex, `${field.label} has no host name: ${quote(value)}`, 'Use a full URL such as https://example.com/file.mp4.');
	}
	return value;
}

function mimeTypeOf(binary: IBinaryData): string {
	const declared = (binary.mimeType ?? '').split(';')[0].trim().toLowerCase();
	if (declared && declared !== 'application/octet-stream') return declared;
	const extension = (binary.fileExtension ?? binary.fileName?.split('.').pop() ?? '').toLowerCase();
	return EXTENSION_MIME_TYPES[extension] ?? declared;
}

/**
 * Finds a binary property of the input item and reads its metadata (never its bytes): the
 * file is streamed into the request only when the submission starts.
 */
export async function readBinaryInput(
	ctx: IExecuteFunctions,
	itemIndex: number,
	field: MediaField,
	propertyName: unknown,
): Promise<BinaryInput> {
	const property = typeof propertyName === 'string' ? propertyName.trim() : '';
	if (!property) {
		throw inputError(ctx, itemIndex, `${field.label}: the binary property name is empty`, 'Enter the name of the binary property that holds the file, usually "data".');
	}
	const item = ctx.getInputData()[itemIndex];
	const binary = item?.binary?.[property];
	if (!binary) {
		const available = Object.keys(item?.binary ?? {});
		throw inputError(
			ctx,
			itemIndex,
			`${field.label}: the input item has no binary property "${property}"`,
			available.length
				? `Binary properties on this item: ${available.join(', ')}. Set the property name to one of them.`
				: 'This item carries no binary data at all. Add a node that loads the file first (HTTP Request with "Response Format: File", Read/Write Files from Disk, Google Drive...), or pass a URL instead.',
		);
	}
	const mimeType = mimeTypeOf(binary);
	if (!mimeType.startsWith(`${field.kind}/`)) {
		throw inputError(
			ctx,
			itemIndex,
			`${field.label}: binary property "${property}" holds ${mimeType || 'a file of unknown type'}, not ${field.kind === 'video' ? 'a video' : 'an image'}`,
			`Point the field at a binary property holding a ${field.kind} file (${field.kind === 'video' ? 'video/mp4, video/webm, video/quicktime' : 'image/png, image/jpeg, image/webp'}).`,
		);
	}
	const knownBytes = typeof binary.bytes === 'number' ? binary.bytes : undefined;
	if (knownBytes !== undefined) checkInlineSize(ctx, itemIndex, field, knownBytes);
	let input: BinaryInput;
	try {
		input = await describeBinary(ctx, itemIndex, property, binary, mimeType, field.label);
	} catch (error) {
		throw inputError(
			ctx,
			itemIndex,
			`${field.label}: binary property "${property}" cannot be read`,
			`n8n could not find the stored file (${error instanceof Error ? error.message : String(error)}). Run the node that produced it again.`,
		);
	}
	checkInlineSize(ctx, itemIndex, field, input.bytes);
	if (input.bytes === 0) {
		throw inputError(ctx, itemIndex, `${field.label}: binary property "${property}" is empty (0 bytes)`, 'Check the node that produced the file.');
	}
	return input;
}

/** A short stand-in for a data: URI in output items, e.g. "data:video/mp4;base64 (1.2 MB)". */
export function summarizeMediaValue(value: string): string {
	if (!/^data:/i.test(value)) return value;
	const comma = value.indexOf(',');
	return `${value.slice(0, comma)} (${formatBytes(base64Bytes(value.slice(comma + 1)))})`;
}
