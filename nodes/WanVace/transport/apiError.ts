import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { generationHint, redact, redactDeep } from '../errors';
import { type HttpFailure, summarizeFailure } from './httpFailure';

export interface ErrorContext {
	itemIndex: number;
	/** The API call that failed, in words: "submitting the generation", "checking generation X". */
	action: string;
	generationId?: string;
	/** Extra sentence(s) for the description. */
	hint?: string;
	secrets: readonly string[];
}

function statusAdvice(failure: HttpFailure): string {
	switch (failure.status) {
		case 400:
		case 422:
			return failure.fields.length
				? `The API rejected these fields: ${failure.fields.join('; ')}. Fix them in the node's parameters.`
				: "The API rejected the request body. Check the node's parameters.";
		case 401:
			return "The API key was not accepted. Check the API Key in the node's AI/ML API credential.";
		case 402:
		case 403:
			return 'AI/ML API refused the request: the key may lack access to this model or the account may be out of credits. Check your AI/ML API dashboard.';
		case 404:
			return 'Nothing was found at this address. Check the Base URL in the credential, or the generation ID.';
		case 429:
			return 'AI/ML API is rate limiting this key. Lower "Max Concurrent Requests" in Run Options, or try again later.';
		case 301:
		case 302:
		case 303:
		case 307:
		case 308:
			return 'The API answered with a redirect, which the node does not follow when it sends a file (nothing was created). Set the Base URL in the credential to the address the API redirects to.';
		default:
			return failure.status !== undefined && failure.status >= 500
				? 'AI/ML API had a server-side problem. Try again later.'
				: '';
	}
}

/** A NodeApiError with the API's own message and status, and nothing secret in it. */
export function apiError(node: INode, failure: HttpFailure, context: ErrorContext): NodeApiError {
	const summary = summarizeFailure(failure);
	const message = redact(`AI/ML API error while ${context.action}: ${summary}`, context.secrets);
	const description = redact(
		[statusAdvice(failure), context.hint, generationHint(context.generationId)].filter(Boolean).join(' '),
		context.secrets,
	);
	const errorResponse: JsonObject = {
		message,
		...(failure.status !== undefined ? { statusCode: failure.status } : {}),
		...(failure.code ? { code: failure.code } : {}),
		...(failure.body !== undefined ? { body: redactDeep(failure.body, context.secrets) as JsonObject } : {}),
		...(context.generationId ? { generationId: context.generationId } : {}),
	};
	return new NodeApiError(node, errorResponse, {
		message,
		description,
		httpCode: failure.status !== undefined ? String(failure.status) : undefined,
		itemIndex: context.itemIndex,
	});
}
