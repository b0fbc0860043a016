import type { IDataObject } from 'n8n-workflow';

import { API_PARAMETERS, MODEL_ID } from '../descriptions/apiParameters';

/**
 * The model's price as the catalogue quotes it (GET /v1/models?id=<model>&include=pricing),
 * and an item's estimate from its own request body. Only what the price states is used:
 * a `variable` price, an unknown unit, a missing variant or a currency other than USD gives
 * no estimate (with the reason), never a guess.
 */
export interface Price {
	kind: 'fixed' | 'variants' | 'variable';
	currency?: string;
	units?: IDataObject[];
	dimensions?: string[];
	variants?: IDataObject[];
}

export type Estimate = { usd: number } | { usd: null; note: string };

function isDict(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** This model's pricing in a catalogue answer (matched on its id or an alias); undefined when absent. */
export function priceFromCatalogue(body: unknown): Price | undefined {
	const data = isDict(body) && Array.isArray(body.data) ? body.data : isDict(body) && isDict(body.data) ? [body.data] : [];
	const model = data.find(
		(entry): entry is IDataObject =>
			isDict(entry) && (entry.id === MODEL_ID || (Array.isArray(entry.aliases) && (entry.aliases as unknown[]).includes(MODEL_ID))),
	);
	const pricing = model?.pricing;
	if (!isDict(pricing) || (pricing.kind !== 'fixed' && pricing.kind !== 'variants' && pricing.kind !== 'variable')) return undefined;
	return pricing as unknown as Price;
}

/** The value the API applies for a parameter: the body's, else the documented default. */
function effectiveValue(body: IDataObject, apiName: string): unknown {
	if (body[apiName] !== undefined) return body[apiName];
	const row = API_PARAMETERS.find((parameter) => parameter.apiName === apiName);
	return row?.documentedDefault ? row.default : undefined;
}

/** Seconds of output video: Number of Frames / Frames per Second (documented defaults 81 and 16). */
export function outputSeconds(body: IDataObject): number | string {
	if (body.match_input_num_frames === true || body.match_input_frames_per_second === true) {
		return 'its length follows the input video (Match Input Number of Frames / Frames Per Second), unknown before the request';
	}
	const frames = Number(effectiveValue(body, 'num_frames'));
	const fps = Number(effectiveValue(body, 'frames_per_second'));
	if (!(frames > 0) || !(fps > 0)) return 'its Number of Frames or Frames Per Second is unknown';
	return frames / fps;
}

const SECOND_UNITS = new Set(['second', 'seconds', 'sec', 's']);
const GENERATION_UNITS = new Set(['generation', 'generations', 'request', 'requests', 'video', 'videos', 'item', 'items', 'image']);

/** Quantity of a unit for this request, or why it cannot be known. */
function quantity(unit: unknown, body: IDataObject): number | string {
	const name = typeof unit === 'string' ? unit.trim().toLowerCase() : '';
	if (SECOND_UNITS.has(name)) return outputSeconds(body);
	if (GENERATION_UNITS.has(name)) return 1;
	return `the price's unit "${String(unit)}" is not one the node can count`;
}

function rate(entry: IDataObject): number | undefined {
	const price = Number(entry.price);
	const per = entry.per === undefined ? 1 : Number(entry.per);
	return Number.isFinite(price) && price >= 0 && Number.isFinite(per) && per > 0 ? price / per : undefined;
}

function noEstimate(reason: string): Estimate {
	return { usd: null, note: `No estimate: ${reason}.` };
}

function priced(rateUsd: number | undefined, amount: number | string): Estimate {
	if (typeof amount === 'string') return noEstimate(amount);
	if (rateUsd === undefined) return noEstimate('the catalogue quotes no usable price (price, per)');
	return { usd: Math.round(rateUsd * amount * 1e6) / 1e6 };
}

/** The estimate of one request body under this price. */
export function estimateCost(price: Price | undefined, body: IDataObject): Estimate {
	if (!price) return noEstimate('the catalogue gives no price for this model');
	if (price.currency !== undefined && String(price.currency).toUpperCase() !== 'USD') return noEstimate(`the price is in ${String(price.currency)}, not USD`);
	if (price.kind === 'variable') return noEstimate('the catalogue says this model\'s price is variable (it cannot be quoted before the request)');
	if (price.kind === 'fixed') {
		const units = (price.units ?? []).filter(isDict);
		if (units.length === 0) return noEstimate('the catalogue quotes a fixed price without units');
		let total = 0;
		for (const unit of units) {
			const one = priced(rate(unit), quantity(unit.measure ?? unit.unit ?? unit.name, body));
			if (one.usd === null) return one;
			total += one.usd;
		}
		return { usd: Math.round(total * 1e6) / 1e6 };
	}
	const dimensions = (price.dimensions ?? []).filter((dimension): dimension is string => typeof dimension === 'string');
	const wanted = Object.fromEntries(dimensions.map((dimension) => [dimension, effectiveValue(body, dimension)]));
	const variant = (price.variants ?? []).filter(isDict).find((candidate) => {
		const when = isDict(candidate.when) ? candidate.when : {};
		return dimensions.every((dimension) => String(when[dimension]) === String(wanted[dimension]));
	});
	if (!variant) return noEstimate(`the catalogue quotes no price for ${dimensions.map((d) => `${d} ${String(wanted[d])}`).join(', ') || 'this request'}`);
	return priced(rate(variant), quantity(variant.unit, body));
}
