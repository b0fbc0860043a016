import type { INodeProperties } from 'n8n-workflow';

import { type ApiParameter, API_PARAMETERS, OPTION_PARAMETERS, apiParameter } from './apiParameters';
import { REGIONS_SOURCE, maskRegionProperties } from './maskRegions';

/** Node property names of the source choices; the request builder reads the same names. */
export const MAIN_FIELDS = {
	prompt: 'prompt',
	videoSource: 'videoSource',
	videoUrl: 'videoUrl',
	videoBinaryProperty: 'videoBinaryProperty',
	maskType: 'maskType',
	maskSource: 'maskSource',
	maskUrl: 'maskUrl',
	maskBinaryProperty: 'maskBinaryProperty',
	options: 'options',
} as const;

/** Option names for media parameters of the Options collection (URL or binary property). */
export const mediaOptionNames = (parameter: ApiParameter) => ({
	url: `${parameter.name}Url`,
	binaryProperty: `${parameter.name}BinaryProperty`,
});

export const IMAGE_LIST_ENTRY = 'images';

const withArticle = (word: string) => `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;

const sourceOptions = (kind: string) => [
	{ name: 'URL', value: 'url', description: `An https URL of the ${kind}, or a data: URI` },
	{ name: 'Binary File', value: 'binary', description: `${withArticle(kind).replace(/^a/, 'A')} file in a binary property of the input item` },
];

function optionProperty(parameter: ApiParameter): INodeProperties[] {
	const base = {
		displayName: parameter.displayName,
		name: parameter.name,
		description: parameter.description,
		...(parameter.placeholder ? { placeholder: parameter.placeholder } : {}),
	};
	switch (parameter.type) {
		case 'string':
			return [{ ...base, type: 'string', default: parameter.default, typeOptions: { rows: 3 } }];
		case 'boolean':
			return [{ ...base, type: 'boolean', default: parameter.default }];
		case 'options':
			return [{ ...base, type: 'options', options: parameter.options, default: parameter.default }];
		case 'integer':
		case 'number':
			return [
				{
					...base,
					type: 'number',
					default: parameter.default,
					typeOptions: {
						...(parameter.minValue !== undefined ? { minValue: parameter.minValue } : {}),
						...(parameter.maxValue !== undefined ? { maxValue: parameter.maxValue } : {}),
						numberPrecision: parameter.type === 'integer' ? 0 : 2,
					},
				},
			];
		case 'media': {
			const names = mediaOptionNames(parameter);
			return [
				{
					displayName: `${parameter.displayName} URL`,
					name: names.url,
					type: 'string',
					default: '',
					placeholder: parameter.placeholder,
					description: `${parameter.description} Sent as ${parameter.apiName}: an https URL or a data: URI`,
				},
				{
					displayName: `${parameter.displayName} Binary Property`,
					name: names.binaryProperty,
					type: 'string',
					default: 'data',
					placeholder: 'data',
					description: `${parameter.description} Read from this binary property of the input item and sent as ${parameter.apiName} (base64 data: URI)`,
				},
			];
		}
		case 'mediaList':
			return [
				{
					...base,
					type: 'fixedCollection',
					default: {},
					placeholder: 'Add Reference Image',
					description: `${parameter.description}. Sent as ${parameter.apiName}.`,
					typeOptions: { multipleValues: true, sortable: true, maxAllowedFields: parameter.maxValue },
					options: [
						{
							displayName: 'Image',
							name: IMAGE_LIST_ENTRY,
							values: [
								{
									displayName: 'Source',
									name: 'source',
									type: 'options',
									options: sourceOptions('image'),
									default: 'url',
								},
								{
									displayName: 'Image URL',
									name: 'url',
									type: 'string',
									default: '',
									placeholder: 'https://example.com/reference.png',
									displayOptions: { show: { source: ['url'] } },
								},
								{
									displayName: 'Binary Property',
									name: 'binaryProperty',
									type: 'string',
									default: 'data',
									displayOptions: { show: { source: ['binary'] } },
								},
							],
						},
					],
				},
			];
	}
}

/** The "Options" collection: every optional API parameter, sent only when added. */
export function apiOptionsCollection(): INodeProperties {
	const options = OPTION_PARAMETERS.flatMap(optionProperty).sort((a, b) =>
		a.displayName.localeCompare(b.displayName),
	);
	return {
		displayName: 'Options',
		name: MAIN_FIELDS.options,
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		description: 'Optional model parameters. Only the ones you add are sent; AI/ML API applies its defaults to the rest.',
		options,
	};
}

/**
 * Prompt, source video and mask: the inputs every generation needs. Each property shows only
 * its own conditions; the operation adds its own with n8n's updateDisplayOptions.
 */
export function generationInputProperties(): INodeProperties[] {
	const show = (conditions: Record<string, string[]>) => ({ show: conditions });
	const prompt = apiParameter('prompt');
	const video = apiParameter('video_url');
	const maskVideo = apiParameter('mask_video_url');
	const maskImage = apiParameter('mask_image_url');
	return [
		{
			displayName: prompt.displayName,
			name: MAIN_FIELDS.prompt,
			type: 'string',
			required: true,
			default: '',
			placeholder: prompt.placeholder,
			description: prompt.description,
			typeOptions: { rows: 3 },
		},
		{
			displayName: 'Video Source',
			name: MAIN_FIELDS.videoSource,
			type: 'options',
			options: sourceOptions('video'),
			default: 'url',
			description: 'Where the source video comes from',
		},
		{
			displayName: 'Video URL',
			name: MAIN_FIELDS.videoUrl,
			type: 'string',
			required: true,
			default: '',
			placeholder: video.placeholder,
			description: `${video.description}. Sent as ${video.apiName}.`,
			displayOptions: show({ [MAIN_FIELDS.videoSource]: ['url'] }),
		},
		{
			displayName: 'Video Binary Property',
			name: MAIN_FIELDS.videoBinaryProperty,
			type: 'string',
			required: true,
			default: 'data',
			placeholder: 'data',
			description: `Name of the binary property of the input item that holds the source video. Sent as ${video.apiName} (base64 data: URI).`,
			displayOptions: show({ [MAIN_FIELDS.videoSource]: ['binary'] }),
		},
		{
			displayName: 'Mask Type',
			name: MAIN_FIELDS.maskType,
			type: 'options',
			options: [
				{ name: 'Mask Video', value: 'video', description: `${maskVideo.description} (${maskVideo.apiName})` },
				{ name: 'Mask Image', value: 'image', description: `${maskImage.description} (${maskImage.apiName})` },
			],
			default: 'video',
			description: 'The mask that tells the model which area to repaint. One of the two is required for inpainting.',
		},
		{
			displayName: 'Mask Source',
			name: MAIN_FIELDS.maskSource,
			type: 'options',
			options: [
				{ name: 'URL', value: 'url', description: 'An https URL of the mask, or a data: URI' },
				{ name: 'Binary File', value: 'binary', description: 'A mask file in a binary property of the input item' },
				{ name: 'Regions', value: REGIONS_SOURCE, description: "Rectangles and ellipses: the node draws the mask at the source video's size and length" },
			],
			default: 'url',
			description: 'Where the mask comes from',
		},
		{
			displayName: 'Mask URL',
			name: MAIN_FIELDS.maskUrl,
			type: 'string',
			required: true,
			default: '',
			placeholder: 'https://example.com/mask.mp4',
			description: `URL (or data: URI) of the mask video or mask image. Sent as ${maskVideo.apiName} or ${maskImage.apiName}, depending on Mask Type.`,
			displayOptions: show({ [MAIN_FIELDS.maskSource]: ['url'] }),
		},
		{
			displayName: 'Mask Binary Property',
			name: MAIN_FIELDS.maskBinaryProperty,
			type: 'string',
			required: true,
			default: 'mask',
			placeholder: 'mask',
			description: 'Name of the binary property of the input item that holds the mask video or mask image',
			displayOptions: show({ [MAIN_FIELDS.maskSource]: ['binary'] }),
		},
		...maskRegionProperties(MAIN_FIELDS.maskSource),
	];
}

/** Every API parameter must be reachable from the node: checked by the tests. */
export const EXPOSED_API_PARAMETERS = API_PARAMETERS.map((parameter) => parameter.apiName);
