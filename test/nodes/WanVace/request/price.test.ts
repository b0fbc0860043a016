import { MODEL_ID } from '../../../../nodes/WanVace/descriptions/apiParameters';
import { estimateCost, outputSeconds, priceFromCatalogue } from '../../../../nodes/WanVace/request/price';

const variants = {
	kind: 'variants' as const,
	currency: 'USD',
	dimensions: ['resolution'],
	variants: [
		{ when: { resolution: '480p' }, price: 0.0168, unit: 'second', per: 1 },
		{ when: { resolution: '720p' }, price: 0.65, unit: 'second', per: 1 },
	],
};

describe('catalogue price', () => {
	it('finds this model by id or alias in a list or a single-model answer', () => {
		expect(priceFromCatalogue({ object: 'list', data: [{ id: 'other', pricing: { kind: 'fixed' } }, { id: MODEL_ID, pricing: variants }] })).toEqual(variants);
		expect(priceFromCatalogue({ object: 'model', data: { id: 'x', aliases: [MODEL_ID], pricing: variants } })).toEqual(variants);
		expect(priceFromCatalogue({ object: 'list', data: [{ id: MODEL_ID }] })).toBeUndefined();
		expect(priceFromCatalogue('<html>')).toBeUndefined();
	});

	it('variants: the variant of the item\'s resolution (documented default 480p), per second of frames / fps', () => {
		expect(outputSeconds({})).toBe(81 / 16);
		expect(estimateCost(variants, {})).toEqual({ usd: 0.08505 });
		// The docs' example: 5 s at a 0.65/second variant costs 3.25.
		expect(estimateCost(variants, { resolution: '720p', num_frames: 80, frames_per_second: 16 })).toEqual({ usd: 3.25 });
		expect(estimateCost(variants, { resolution: '580p' })).toEqual({ usd: null, note: 'No estimate: the catalogue quotes no price for resolution 580p.' });
	});

	it('fixed: price read with per, per second or per generation', () => {
		const perTen = { kind: 'fixed' as const, units: [{ name: 'output', measure: 'second', price: 0.168, per: 10 }] };
		expect(estimateCost(perTen, { num_frames: 160, frames_per_second: 16 })).toEqual({ usd: 0.168 });
		expect(estimateCost({ kind: 'fixed', units: [{ name: 'video', measure: 'generation', price: 0.4, per: 1 }] }, {})).toEqual({ usd: 0.4 });
	});

	it('never guesses: variable, unknown unit, other currency, input-driven length, no price', () => {
		const none = (body = {}, price: Parameters<typeof estimateCost>[0] = variants) => estimateCost(price, body).usd;
		expect(none({}, { kind: 'variable' })).toBeNull();
		expect(none({}, { kind: 'fixed', units: [{ measure: 'megapixel', price: 1, per: 1 }] })).toBeNull();
		expect(none({}, { ...variants, currency: 'EUR' })).toBeNull();
		expect(none({ match_input_num_frames: true })).toBeNull();
		expect(estimateCost(undefined, {}).usd).toBeNull();
		expect(estimateCost({ kind: 'variable' }, {})).toMatchObject({ note: expect.stringContaining('variable') });
	});
});
