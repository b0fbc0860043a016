import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

/** Node property names of a mask drawn from regions (Mask Source = Regions); the request builder reads the same names. */
export const MASK_REGION_FIELDS = {
	regionsInput: 'maskRegionsInput',
	regions: 'maskRegions',
	regionEntry: 'region',
	regionsJson: 'maskRegionsJson',
	invert: 'maskInvert',
	grow: 'maskGrow',
} as const;

export const REGIONS_SOURCE = 'regions';

const REGIONS_JSON_EXAMPLE = '[{ "shape": "rectangle", "left": 80, "top": 0, "width": 20, "height": 15 }]';

const regionValues: INodeProperties[] = [
	{
		displayName: 'Shape',
		name: 'shape',
		type: 'options',
		options: [
			{ name: 'Rectangle', value: 'rectangle' },
			{ name: 'Ellipse', value: 'ellipse', description: 'The ellipse inside the box' },
		],
		default: 'rectangle',
	},
	{
		displayName: 'Unit',
		name: 'unit',
		type: 'options',
		options: [
			{ name: 'Percent', value: 'percent', description: "Of the source's width (Left, Width) and height (Top, Height)" },
			{ name: 'Pixels', value: 'pixels', description: 'Pixels of the source video' },
		],
		default: 'percent',
	},
	{ displayName: 'Left', name: 'left', type: 'number', placeholder: '80', default: 0, typeOptions: { numberPrecision: 2 }, description: "The box's left edge" },
	{ displayName: 'Top', name: 'top', type: 'number', placeholder: '0', default: 0, typeOptions: { numberPrecision: 2 }, description: "The box's top edge" },
	{ displayName: 'Width', name: 'width', type: 'number', placeholder: '20', default: 20, typeOptions: { numberPrecision: 2 }, description: "The box's width" },
	{ displayName: 'Height', name: 'height', type: 'number', placeholder: '15', default: 20, typeOptions: { numberPrecision: 2 }, description: "The box's height" },
	{
		displayName: 'Start (Seconds)',
		name: 'start',
		type: 'number',
		placeholder: '0',
		default: 0,
		typeOptions: { minValue: 0, numberPrecision: 3 },
		description: 'When the region starts being repainted (included)',
	},
	{
		displayName: 'End (Seconds)',
		name: 'end',
		type: 'number',
		placeholder: '5',
		default: 0,
		typeOptions: { minValue: 0, numberPrecision: 3 },
		description: 'When the region stops being repainted (excluded); 0 keeps it to the end of the video',
	},
];

/** The editor fields of a mask drawn by the node, shown for Mask Source = Regions. */
export function maskRegionProperties(maskSourceName: string): INodeProperties[] {
	const regionsShown = { show: { [maskSourceName]: [REGIONS_SOURCE] } };
	const onRegions = (properties: INodeProperties[]) => updateDisplayOptions(regionsShown, properties);
	const shownFor = (input: 'fields' | 'json') => ({ show: { [MASK_REGION_FIELDS.regionsInput]: [input] } });
	return onRegions([
		{
			displayName: 'Regions Input',
			name: MASK_REGION_FIELDS.regionsInput,
			type: 'options',
			options: [
				{ name: 'Fields', value: 'fields', description: 'Type each region' },
				{ name: 'JSON', value: 'json', description: 'A JSON array of regions, e.g. from an expression (boxes from a detection node)' },
			],
			default: 'fields',
			description: 'How the regions to repaint are given. The node draws the mask: white inside the regions (repainted), black elsewhere (kept), with the source video\'s size, frame rate and length.',
		},
		{
			displayName: 'Regions',
			name: MASK_REGION_FIELDS.regions,
			type: 'fixedCollection',
			default: {},
			placeholder: 'Add Region',
			typeOptions: { multipleValues: true, sortable: true },
			description: 'The areas to repaint',
			displayOptions: shownFor('fields'),
			options: [{ displayName: 'Region', name: MASK_REGION_FIELDS.regionEntry, values: regionValues }],
		},
		{
			displayName: 'Regions (JSON)',
			name: MASK_REGION_FIELDS.regionsJson,
			type: 'json',
			default: '[]',
			placeholder: REGIONS_JSON_EXAMPLE,
			description:
				'An array of regions: { "shape": "rectangle" | "ellipse", "left", "top", "width", "height", "unit": "percent" | "pixels", "start", "end" }. Unit defaults to percent; start and end are seconds, left out for the whole video.',
			displayOptions: shownFor('json'),
		},
		{
			displayName: 'Invert Mask',
			name: MASK_REGION_FIELDS.invert,
			type: 'boolean',
			default: false,
			description: 'Whether to repaint everything but the regions',
		},
		{
			displayName: 'Grow Mask',
			name: MASK_REGION_FIELDS.grow,
			type: 'number',
			default: 0,
			placeholder: '4',
			typeOptions: { minValue: 0, numberPrecision: 0 },
			description: "Pixels added on every side of each region (a rectangle's edges, an ellipse's radii), to cover a soft edge",
		},
	]);
}
