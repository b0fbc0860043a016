/**
 * GET /v1/models?id=<model>&include=pricing: the model catalogue with this model's price, in
 * the kind `options.pricingKind` selects. The prices agree with what a generation is charged
 * (generations.ts: per second of output, by resolution), so an estimate can be checked.
 */
import { crypto } from '../support/node';

import { MODEL_ID } from './constants';
import type { Exchange } from './exchange';
import { jsonResponder } from './exchange';
import type { JsonObject } from './types';

/** USD per second of output video, by resolution: what the simulator charges. */
export const USD_PER_SECOND: Record<string, number> = { '480p': 0.0168, '580p': 0.0224, '720p': 0.0336 };

export type PricingKind = 'variants' | 'fixed' | 'variable' | 'none';

export function pricing(kind: PricingKind): JsonObject | undefined {
	switch (kind) {
		case 'variants':
			return {
				kind: 'variants',
				currency: 'USD',
				dimensions: ['resolution'],
				variants: Object.entries(USD_PER_SECOND).map(([resolution, price]) => ({ when: { resolution }, price, unit: 'second', per: 1 })),
			};
		case 'fixed':
			// The 480p rate, quoted per 10 seconds (always read price with per).
			return { kind: 'fixed', currency: 'USD', units: [{ name: 'output', measure: 'second', price: USD_PER_SECOND['480p'] * 10, per: 10 }] };
		case 'variable':
			return { kind: 'variable', currency: 'USD' };
		case 'none':
			return undefined;
	}
}

function modelEntry(kind: PricingKind, withPricing: boolean): JsonObject {
	const price = withPricing ? pricing(kind) : undefined;
	return {
		id: MODEL_ID,
		aliases: ['wan2.2-vace-fun-a14b-inpainting'],
		type: 'video',
		info: { name: 'Wan 2.2 VACE Fun A14B Inpainting', developer: 'Alibaba Cloud' },
		tags: ['playground:video'],
		...(price ? { pricing: price } : {}),
	};
}

function listOf(url: URL): string[] {
	return url.searchParams.getAll('id').flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean);
}

export function handleCatalogue(exchange: Exchange): void {
	const { state, url } = exchange;
	state.counters.catalogue += 1;
	const include = url.searchParams.getAll('include').flatMap((value) => value.split(','));
	const withPricing = include.includes('pricing') || include.includes('all') || ['true', '1'].includes(url.searchParams.get('details') ?? '');
	const ids = listOf(url);
	const model = modelEntry(state.options.pricingKind, withPricing);
	const matches = ids.length === 0 || ids.some((id) => id === model.id || (model.aliases as string[]).includes(id));
	const body = { object: 'list', data: matches ? [model] : [] };
	const etag = `"${crypto.createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16)}"`;
	const fault = exchange.takeFault({});
	if (!fault && exchange.req.headers['if-none-match'] === etag) {
		exchange.sendBytes(304, Buffer.alloc(0), 'application/json', { ETag: etag });
		return;
	}
	exchange.deliver(fault, jsonResponder(exchange, () => ({ status: 200, body, headers: { ETag: etag } })));
}
