import type { IDataObject } from 'n8n-workflow';

import { apiMessageOf, describeFieldErrors } from '../transport';

/** POST and GET /v2/video/generations answer with this shape (openapi-*.json). */
export interface GenerationResponse {
	id: string;
	status: string;
	video?: {
		url?: string;
		content_type?: string;
		file_name?: string;
		file_size?: number;
		duration?: number;
		[key: string]: unknown;
	} | null;
	duration?: number | null;
	error?: unknown;
	detail?: unknown;
	meta?: { usage?: { credits_used?: number; tokens_used?: number } | null; [key: string]: unknown } | null;
	[key: string]: unknown;
}

/** Statuses after which polling stops. Older API examples also used "failed". */
export const COMPLETED_STATUSES = new Set(['completed']);
export const FAILED_STATUSES = new Set(['error', 'failed', 'cancelled', 'canceled']);

export type StatusKind = 'completed' | 'failed' | 'running';

export function statusKind(status: string): StatusKind {
	const normalized = status.toLowerCase();
	if (COMPLETED_STATUSES.has(normalized)) return 'completed';
	if (FAILED_STATUSES.has(normalized)) return 'failed';
	return 'running';
}

/** The generation response, or undefined when the body is not one (HTML, empty, no status). */
export function parseGenerationResponse(body: unknown): GenerationResponse | undefined {
	if (typeof body === 'string') {
		try {
			body = JSON.parse(body);
		} catch {
			return undefined;
		}
	}
	if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
	const response = body as GenerationResponse;
	if (typeof response.status !== 'string' || response.status.trim() === '') return undefined;
	return response;
}

/** Why a generation failed or came back without a video, in the API's own words. */
export function failureReason(response: GenerationResponse): string | undefined {
	const fromError = apiMessageOf({ error: response.error }) ?? apiMessageOf(response.error);
	const name =
		typeof response.error === 'object' && response.error !== null && typeof (response.error as IDataObject).name === 'string'
			? ((response.error as IDataObject).name as string)
			: undefined;
	const detail = describeFieldErrors({ detail: response.detail }).join('; ') || undefined;
	const reason = fromError ?? detail;
	if (!reason) return name;
	return name && !reason.startsWith(name) ? `${name}: ${reason}` : reason;
}
