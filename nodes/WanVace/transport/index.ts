import type { IDataObject, IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';

import { operationError } from '../errors';

export * from './apiError';
export * from './httpFailure';

export const CREDENTIAL_TYPE = 'aimlApi';
export const DEFAULT_BASE_URL = 'https://api.aimlapi.com';
export const GENERATIONS_ENDPOINT = '/v2/video/generations';

export interface ApiRequest {
	method: IHttpRequestMethods;
	endpoint: string;
	body?: IDataObject;
	qs?: IDataObject;
	timeoutMs: number;
}

/** Owns the base URL and the authentication of every call to AI/ML API. */
export interface AimlApiTransport {
	readonly baseUrl: string;
	/** Values that must never appear in an error, log line or output (the API key). */
	readonly secrets: readonly string[];
	request(request: ApiRequest): Promise<unknown>;
}

/** Normalizes the credential's base URL; undefined when it is not an http(s) URL. */
export function normalizeBaseUrl(value: unknown): string | undefined {
	const text = typeof value === 'string' && value.trim() !== '' ? value.trim() : DEFAULT_BASE_URL;
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return undefined;
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
	if (url.username || url.password || url.search || url.hash) return undefined;
	return url.toString().replace(/\/+$/, '');
}

export async function createTransport(ctx: IExecuteFunctions): Promise<AimlApiTransport> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const apiKey = typeof credentials.apiKey === 'string' ? credentials.apiKey : '';
	const secrets = apiKey ? [apiKey, apiKey.trim()] : [];
	const baseUrl = normalizeBaseUrl(credentials.baseUrl);
	if (!baseUrl) {
		throw operationError(ctx.getNode(), 'The Base URL of the AI/ML API credential is not a valid http(s) URL', {
			itemIndex: 0,
			description:
				'Open the credential and set Base URL to https://api.aimlapi.com (or the http(s) address of your proxy), without user name, password, query or fragment.',
			secrets,
		});
	}
	return {
		baseUrl,
		secrets,
		async request({ method, endpoint, body, qs, timeoutMs }: ApiRequest): Promise<unknown> {
			return await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, {
				method,
				url: `${baseUrl}${endpoint}`,
				body,
				qs,
				json: true,
				timeout: timeoutMs,
				abortSignal: ctx.getExecutionCancelSignal(),
				sendCredentialsOnCrossOriginRedirect: false,
			});
		},
	};
}
