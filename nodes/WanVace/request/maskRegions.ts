import type { IBinaryData, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { MASK_REGION_FIELDS } from '../descriptions/maskRegions';
import { operationError } from '../errors';
import { type MaskRegion, MaskRegionError, parseMaskRegions } from '../mask';

/** A mask the node draws from regions (Mask Source = Regions), as read from the item's parameters. */
export interface RegionsMaskSpec {
	kind: 'video' | 'image';
	/** mask_video_url or mask_image_url. */
	apiName: string;
	regions: MaskRegion[];
	invert: boolean;
	grow: number;
	/** Where the regions came from, for messages: "Regions" or "Regions (JSON)". */
	label: string;
}

/** The drawn mask, once the source is probed (inputs layer): its entry in the output's `inputs`, its warnings, its file. */
export interface DrawnMaskReport {
	report: IDataObject;
	warnings: string[];
	/** With Run Options > Include Mask in Output. */
	binary?: IBinaryData;
}

/** The error for a bad region: names the region (by index, from 0) and the field. */
export function regionError(ctx: IExecuteFunctions, itemIndex: number, label: string, error: MaskRegionError) {
	const where = error.regionIndex !== undefined ? ` (region ${error.regionIndex}${error.field ? `, field "${error.field}"` : ''})` : '';
	return operationError(ctx.getNode(), `Mask ${label}: ${error.message}`, {
		itemIndex,
		description: `Mask Source is "Regions": the node draws the mask from these regions${where}. Regions are counted from 0. Fix the region, or set Mask Source to URL or Binary File to send a mask of your own.`,
	});
}

/** One entry of the Regions fixed collection → the JSON form of a region (Start 0 and End 0 mean "not set"). */
function fromFields(entry: IDataObject): IDataObject {
	const region: IDataObject = { ...entry };
	for (const field of ['start', 'end'] as const) {
		if (region[field] === 0 || region[field] === '' || region[field] === undefined) delete region[field];
	}
	return region;
}

function readGrow(ctx: IExecuteFunctions, itemIndex: number): number {
	const raw = ctx.getNodeParameter(MASK_REGION_FIELDS.grow, itemIndex, 0);
	const grow = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
	if (typeof grow !== 'number' || !Number.isInteger(grow) || grow < 0) {
		throw operationError(ctx.getNode(), `Grow Mask must be a whole number of pixels, 0 or more, got ${JSON.stringify(raw)}`, {
			itemIndex,
			description: 'Set Grow Mask to the pixels to add on every side of each region, e.g. 4; 0 draws the regions as given.',
		});
	}
	return grow;
}

/** Reads and parses the regions of one item; throws a NodeOperationError naming the region and the field. */
export function readRegionsMask(ctx: IExecuteFunctions, itemIndex: number, kind: 'video' | 'image'): RegionsMaskSpec {
	const input = ctx.getNodeParameter(MASK_REGION_FIELDS.regionsInput, itemIndex, 'fields');
	if (input !== 'fields' && input !== 'json') {
		throw operationError(ctx.getNode(), `Regions Input must be "fields" or "json", got ${JSON.stringify(input)}`, {
			itemIndex,
			description: 'Pick Fields or JSON.',
		});
	}
	const label = input === 'json' ? 'Regions (JSON)' : 'Regions';
	let raw: unknown;
	if (input === 'json') {
		raw = ctx.getNodeParameter(MASK_REGION_FIELDS.regionsJson, itemIndex, '[]');
	} else {
		const collection = ctx.getNodeParameter(MASK_REGION_FIELDS.regions, itemIndex, {}) as IDataObject;
		const entries = collection?.[MASK_REGION_FIELDS.regionEntry];
		raw = Array.isArray(entries) ? (entries as IDataObject[]).map(fromFields) : [];
	}
	let regions: MaskRegion[] = [];
	let refused: unknown;
	try {
		regions = parseMaskRegions(raw);
	} catch (error) {
		refused = error;
	}
	if (refused instanceof MaskRegionError) throw regionError(ctx, itemIndex, label, refused);
	if (refused !== undefined) throw operationError(ctx.getNode(), `Mask ${label}: ${refused instanceof Error ? refused.message : String(refused)}`, { itemIndex });
	const invert = ctx.getNodeParameter(MASK_REGION_FIELDS.invert, itemIndex, false);
	return {
		kind,
		apiName: kind === 'video' ? 'mask_video_url' : 'mask_image_url',
		regions,
		invert: invert === true || invert === 'true',
		grow: readGrow(ctx, itemIndex),
		label,
	};
}
