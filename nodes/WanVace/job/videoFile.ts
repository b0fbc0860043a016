import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import type { GenerationResponse } from './response';

export interface DownloadTarget {
	url: string;
	fileName: string;
	mimeType: string;
	/** Size announced by the API (video.file_size), when it did. */
	expectedBytes?: number;
}

/** A download that ended early: the stored file is shorter than announced. */
export class IncompleteDownload extends Error {
	constructor(
		readonly receivedBytes: number,
		readonly expectedBytes: number,
	) {
		super(`The download stopped after ${receivedBytes} of ${expectedBytes} bytes`);
		this.name = 'IncompleteDownload';
	}
}

const VIDEO_EXTENSIONS: Record<string, string> = {
	'video/mp4': 'mp4',
	'video/webm': 'webm',
	'video/quicktime': 'mov',
};

function safeFileName(name: string): string {
	return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 120);
}

/** File name and MIME type for the binary: the API's metadata first, then the URL. */
export function downloadTarget(response: GenerationResponse, generationId: string): DownloadTarget | undefined {
	const url = response.video?.url;
	if (typeof url !== 'string' || !url) return undefined;
	const mimeType =
		typeof response.video?.content_type === 'string' && response.video.content_type.includes('/')
			? response.video.content_type
			: 'video/mp4';
	let fileName = typeof response.video?.file_name === 'string' ? safeFileName(response.video.file_name) : '';
	if (!fileName) {
		try {
			fileName = safeFileName(decodeURIComponent(new URL(url).pathname.split('/').pop() ?? ''));
		} catch {
			fileName = '';
		}
	}
	if (!fileName || !fileName.includes('.')) {
		const base = fileName || `wan-vace-${safeFileName(generationId.split(':')[0]) || 'video'}`;
		fileName = `${base}.${VIDEO_EXTENSIONS[mimeType] ?? 'mp4'}`;
	}
	const size = response.video?.file_size;
	return { url, fileName, mimeType, expectedBytes: typeof size === 'number' && size > 0 ? size : undefined };
}

/**
 * The size n8n stored. n8n 2.x puts it on the binary (`bytes`); 1.x only in the binary data
 * store's metadata (filesystem, S3) or, in its default memory mode, as the base64 `data`.
 */
async function storedBytes(ctx: IExecuteFunctions, binary: IBinaryData): Promise<number | undefined> {
	if (typeof binary.bytes === 'number') return binary.bytes;
	if (binary.id && typeof ctx.helpers.getBinaryMetadata === 'function') {
		const { fileSize } = await ctx.helpers.getBinaryMetadata(binary.id);
		return typeof fileSize === 'number' ? fileSize : undefined;
	}
	if (binary.data) return base64Length(binary.data);
	return undefined;
}

function base64Length(data: string): number {
	const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
	return Math.floor((data.length * 3) / 4) - padding;
}

interface StreamResponse {
	body: unknown;
	headers: Record<string, unknown>;
}

/**
 * Streams the video into n8n's binary data store (never holding it whole in memory) and
 * checks that every announced byte arrived. Plain httpRequest: the result URL is public
 * and must never receive the API key.
 */
export async function downloadVideo(
	ctx: IExecuteFunctions,
	target: DownloadTarget,
	timeoutMs: number,
): Promise<IBinaryData> {
	const response = (await ctx.helpers.httpRequest({
		method: 'GET',
		url: target.url,
		encoding: 'stream',
		returnFullResponse: true,
		timeout: timeoutMs,
		abortSignal: ctx.getExecutionCancelSignal(),
	})) as StreamResponse;
	const headerLength = Number(response.headers['content-length']);
	const headerType = String(response.headers['content-type'] ?? '').split(';')[0].trim();
	const mimeType = headerType.startsWith('video/') ? headerType : target.mimeType;
	const binary = await ctx.helpers.prepareBinaryData(
		response.body as Parameters<typeof ctx.helpers.prepareBinaryData>[0],
		target.fileName,
		mimeType,
	);
	const expected = Number.isFinite(headerLength) && headerLength > 0 ? headerLength : target.expectedBytes;
	const received = await storedBytes(ctx, binary);
	if (expected !== undefined && received !== undefined && received !== expected) {
		throw new IncompleteDownload(received, expected);
	}
	return binary;
}
