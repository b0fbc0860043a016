import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	type ApiParameter,
	MODEL_ID,
	OPTION_PARAMETERS,
	apiParameter,
} from '../descriptions/apiParameters';
import { REGIONS_SOURCE } from '../descriptions/maskRegions';
import { IMAGE_LIST_ENTRY, MAIN_FIELDS, mediaOptionNames } from '../descriptions/properties';
import { operationError } from '../errors';
import { type DrawnMaskReport, type RegionsMaskSpec, readRegionsMask } from './maskRegions';
import type { BinaryInput } from './binaryInput';
import { type MediaField, readBinaryInput, validateMediaUrl } from './mediaInput';
import { binaryPlaceholder } from './streamBody';
import { summarizeRequest } from './summary';

export interface GenerationRequest {
	/**
	 * JSON body for POST /v2/video/generations. A binary input is a data: URI whose payload
	 * is a placeholder (binaryPlaceholder): its bytes are streamed in when the request is sent.
	 */
	body: IDataObject;
	/** The binary inputs, in placeholder order (by reference: nothing read yet). */
	binaries: BinaryInput[];
	/** The same, with data: URIs shortened: echoed in the output item. */
	settings: IDataObject;
	/** Every media input of the body (URL or data: URI), for the input checks. */
	media: RequestMedia[];
	/** Mask Source = Regions: the mask to draw once the source is probed; the body has no mask until then. */
	regionsMask?: RegionsMaskSpec;
	/** The mask drawn from `regionsMask` (set by the inputs layer with the mask in the body). */
	drawnMask?: DrawnMaskReport;
}

export interface RequestMedia {
	field: MediaField;
	/** A URL or data: URI; for a binary, its data: URI with the placeholder. */
	value: string;
	/** The binary input, when the value comes from a binary property. */
	binary?: BinaryInput;
	/** Position in a list input (Reference Images). */
	position?: number;
}

function label(parameter: ApiParameter, inOptions: boolean): string {
	return `${inOptions ? 'Options > ' : ''}${parameter.displayName} (${parameter.apiName})`;
}

function invalid(ctx: IExecuteFunctions, itemIndex: number, message: string, description: string) {
	return operationError(ctx.getNode(), message, { itemIndex, description });
}

function toNumber(value: unknown): number | undefined {
	if (typeof value === 'number') return value;
	if (typeof value === 'string' && value.trim() !== '') return Number(value.trim());
	return undefined;
}

function describeRange(parameter: ApiParameter): string {
	const { minValue: min, maxValue: max } = parameter;
	if (min !== undefined && max !== undefined) return `from ${min} to ${max}`;
	if (min !== undefined) return `of at least ${min}`;
	if (max !== undefined) return `of at most ${max}`;
	return '';
}

/** Converts and validates one scalar option value; the message names the field and the fix. */
export function coerceOption(
	ctx: IExecuteFunctions,
	itemIndex: number,
	parameter: ApiParameter,
	value: unknown,
): string | number | boolean {
	const name = label(parameter, parameter.placement === 'options');
	const shown = JSON.stringify(value);
	switch (parameter.type) {
		case 'integer':
		case 'number': {
			const number = toNumber(value);
			const range = describeRange(parameter);
			const expected = `${parameter.type === 'integer' ? 'a whole number' : 'a number'}${range ? ` ${range}` : ''}`;
			const fix = `Set it to ${expected} (default ${String(parameter.default)}), or remove the option to use the API's default.`;
			if (number === undefined || !Number.isFinite(number)) {
				throw invalid(ctx, itemIndex, `${name} must be ${expected}, got ${shown}`, fix);
			}
			if (parameter.type === 'integer' && !Number.isInteger(number)) {
				throw invalid(ctx, itemIndex, `${name} must be a whole number, got ${shown}`, fix);
			}
			if (
				(parameter.minValue !== undefined && number < parameter.minValue) ||
				(parameter.maxValue !== undefined && number > parameter.maxValue)
			) {
				throw invalid(ctx, itemIndex, `${name} must be ${expected}, got ${shown}`, fix);
			}
			return number;
		}
		case 'boolean':
			if (typeof value === 'boolean') return value;
			if (value === 'true' || value === 'false') return value === 'true';
			throw invalid(ctx, itemIndex, `${name} must be true or false, got ${shown}`, 'Switch the toggle, or make the expression return true or false.');
		case 'options': {
			const allowed = (parameter.options ?? []).map((option) => String(option.value));
			if (typeof value === 'string' && allowed.includes(value)) return value;
			throw invalid(
				ctx,
				itemIndex,
				`${name} must be one of ${allowed.join(', ')}, got ${shown}`,
				`Pick a value from the list${typeof value === 'string' ? ' (or fix the expression that produced it)' : ''}. The API documents no other values.`,
			);
		}
		case 'string':
			if (typeof value === 'string') return value;
			if (typeof value === 'number' || typeof value === 'boolean') return String(value);
			throw invalid(ctx, itemIndex, `${name} must be text, got ${shown}`, 'Make the expression return a string.');
		default:
			throw invalid(ctx, itemIndex, `${name} cannot be set directly`, 'This is a media field: use its URL or binary property option.');
	}
}

interface MediaInput {
	source: 'url' | 'binary';
	value: unknown;
}

async function resolveMedia(
	ctx: IExecuteFunctions,
	itemIndex: number,
	field: MediaField,
	input: MediaInput,
	found: RequestMedia[],
	position?: number,
): Promise<string> {
	const at = position !== undefined ? { position } : {};
	if (input.source === 'binary') {
		const binary = await readBinaryInput(ctx, itemIndex, field, input.value);
		const value = `data:${binary.mimeType};base64,${binaryPlaceholder(found.filter((entry) => entry.binary).length)}`;
		found.push({ field, value, binary, ...at });
		return value;
	}
	const value = validateMediaUrl(ctx, itemIndex, field, input.value);
	found.push({ field, value, ...at });
	return value;
}

function mediaField(parameter: ApiParameter, label: string, binaryAlternative: string): MediaField {
	return { label, apiName: parameter.apiName, kind: parameter.mediaKind ?? 'image', binaryAlternative };
}

function sourceParameter(ctx: IExecuteFunctions, name: string, itemIndex: number): 'url' | 'binary' {
	const source = ctx.getNodeParameter(name, itemIndex, 'url');
	if (source === 'url' || source === 'binary') return source;
	throw invalid(ctx, itemIndex, `${name} must be "url" or "binary", got ${JSON.stringify(source)}`, 'Pick URL or Binary File.');
}

async function readOptions(ctx: IExecuteFunctions, itemIndex: number, body: IDataObject, media: RequestMedia[]): Promise<void> {
	const options = ctx.getNodeParameter(MAIN_FIELDS.options, itemIndex, {}) as IDataObject;
	for (const parameter of OPTION_PARAMETERS) {
		if (parameter.type === 'media') {
			const names = mediaOptionNames(parameter);
			const hasUrl = options[names.url] !== undefined;
			const hasBinary = options[names.binaryProperty] !== undefined;
			if (hasUrl && hasBinary) {
				throw invalid(
					ctx,
					itemIndex,
					`Options > ${parameter.displayName} is set twice: as a URL and as a binary property`,
					`Keep either "${parameter.displayName} URL" or "${parameter.displayName} Binary Property" and remove the other.`,
				);
			}
			if (!hasUrl && !hasBinary) continue;
			const field = mediaField(
				parameter,
				`Options > ${parameter.displayName}`,
				`use the option "${parameter.displayName} Binary Property"`,
			);
			body[parameter.apiName] = await resolveMedia(ctx, itemIndex, field, {
				source: hasUrl ? 'url' : 'binary',
				value: hasUrl ? options[names.url] : options[names.binaryProperty],
			}, media);
		} else if (parameter.type === 'mediaList') {
			const collection = options[parameter.name] as IDataObject | undefined;
			if (collection === undefined) continue;
			const entries = (collection?.[IMAGE_LIST_ENTRY] ?? []) as IDataObject[];
			const min = parameter.minValue ?? 0;
			const max = parameter.maxValue ?? Infinity;
			if (!Array.isArray(entries) || entries.length < min || entries.length > max) {
				throw invalid(
					ctx,
					itemIndex,
					`Options > ${parameter.displayName} (${parameter.apiName}) needs ${min} to ${max} images, got ${Array.isArray(entries) ? entries.length : 0}`,
					`Add between ${min} and ${max} reference images, or remove the option.`,
				);
			}
			const images: string[] = [];
			for (const [position, entry] of entries.entries()) {
				const field = mediaField(
					parameter,
					`Options > ${parameter.displayName} #${position + 1}`,
					'set its Source to "Binary File"',
				);
				const source = entry.source === 'binary' ? 'binary' : 'url';
				images.push(
					await resolveMedia(ctx, itemIndex, field, {
						source,
						value: source === 'binary' ? entry.binaryProperty : entry.url,
					}, media, position),
				);
			}
			body[parameter.apiName] = images;
		} else if (options[parameter.name] !== undefined) {
			body[parameter.apiName] = coerceOption(ctx, itemIndex, parameter, options[parameter.name]);
		}
	}
}

/** Reads one of the node's top-level media inputs (source choice + URL or binary property). */
async function readMainMedia(
	ctx: IExecuteFunctions,
	itemIndex: number,
	parameter: ApiParameter,
	fields: { label: 'Video' | 'Mask'; source: string; url: string; binaryProperty: string },
	media: RequestMedia[],
): Promise<string> {
	const source = sourceParameter(ctx, fields.source, itemIndex);
	const field = mediaField(
		parameter,
		`${fields.label} ${source === 'url' ? 'URL' : 'Binary Property'} (${parameter.apiName})`,
		`set "${fields.label} Source" to "Binary File"`,
	);
	const value = ctx.getNodeParameter(source === 'url' ? fields.url : fields.binaryProperty, itemIndex, '');
	return await resolveMedia(ctx, itemIndex, field, { source, value }, media);
}

/** Builds and validates the request for one input item. Throws before anything is sent. */
export async function buildGenerationRequest(ctx: IExecuteFunctions, itemIndex: number): Promise<GenerationRequest> {
	const promptParameter = apiParameter('prompt');
	const prompt = ctx.getNodeParameter(MAIN_FIELDS.prompt, itemIndex, '');
	if (typeof prompt !== 'string' || prompt.trim() === '') {
		throw invalid(
			ctx,
			itemIndex,
			`${label(promptParameter, false)} is empty`,
			'Describe the scene the masked area should show, e.g. "a red vintage car drives along the coast road".',
		);
	}

	const media: RequestMedia[] = [];
	const video = await readMainMedia(ctx, itemIndex, apiParameter('video_url'), {
		label: 'Video',
		source: MAIN_FIELDS.videoSource,
		url: MAIN_FIELDS.videoUrl,
		binaryProperty: MAIN_FIELDS.videoBinaryProperty,
	}, media);

	const maskType = ctx.getNodeParameter(MAIN_FIELDS.maskType, itemIndex, 'video');
	if (maskType !== 'video' && maskType !== 'image') {
		throw invalid(ctx, itemIndex, `Mask Type must be "video" or "image", got ${JSON.stringify(maskType)}`, 'Pick Mask Video or Mask Image.');
	}
	const maskParameter = apiParameter(maskType === 'video' ? 'mask_video_url' : 'mask_image_url');
	const regionsMask = ctx.getNodeParameter(MAIN_FIELDS.maskSource, itemIndex, 'url') === REGIONS_SOURCE ? readRegionsMask(ctx, itemIndex, maskType) : undefined;
	const mask = regionsMask
		? undefined
		: await readMainMedia(ctx, itemIndex, maskParameter, {
				label: 'Mask',
				source: MAIN_FIELDS.maskSource,
				url: MAIN_FIELDS.maskUrl,
				binaryProperty: MAIN_FIELDS.maskBinaryProperty,
			}, media);

	const body: IDataObject = {
		model: MODEL_ID,
		prompt,
		video_url: video,
		...(mask !== undefined ? { [maskParameter.apiName]: mask } : {}),
	};
	await readOptions(ctx, itemIndex, body, media);
	const binaries = media.flatMap((entry) => (entry.binary ? [entry.binary] : []));
	return { body, binaries, settings: summarizeRequest(body, binaries), media, ...(regionsMask ? { regionsMask } : {}) };
}
