import type { IExecuteFunctions } from 'n8n-workflow';

import { operationError } from '../errors';

const MAX_ID_LENGTH = 256;

/**
 * Characters that never occur in AI/ML API generation IDs ("<uuid>:alibaba/wan2.2-...")
 * and would change the meaning of a URL or a path if they did.
 */
const FORBIDDEN = [
	{ test: (id: string) => /\s/.test(id), what: 'white space' },
	{ test: (id: string) => /[?#&%\\]/.test(id), what: 'one of ? # & % \\' },
	{ test: (id: string) => /(^|\/)\.\.?(\/|$)/.test(id), what: 'a ./ or ../ path segment' },
	{ test: (id: string) => [...id].some((ch) => ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127), what: 'control characters' },
];

/** Validates a generation ID typed or mapped by the user. It is sent URL-encoded in the query. */
export function validateGenerationId(ctx: IExecuteFunctions, itemIndex: number, raw: unknown): string {
	const id = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
	const example = 'It looks like 3f1c...-...:alibaba/wan2.2-vace-fun-a14b-inpainting: map the generationId field of the Submit output.';
	if (!id) {
		throw operationError(ctx.getNode(), 'Generation ID is empty', { itemIndex, description: example });
	}
	if (id.length > MAX_ID_LENGTH) {
		throw operationError(ctx.getNode(), `Generation ID is too long (${id.length} characters; at most ${MAX_ID_LENGTH})`, {
			itemIndex,
			description: example,
		});
	}
	const problem = FORBIDDEN.find((rule) => rule.test(id));
	if (problem) {
		throw operationError(ctx.getNode(), `Generation ID ${JSON.stringify(id.slice(0, 80))} contains ${problem.what}, which AI/ML API IDs never do`, {
			itemIndex,
			description: example,
		});
	}
	return id;
}
