import type { INodeProperties } from 'n8n-workflow';

import { API_PARAMETERS, MODEL_ID } from '../../../../nodes/WanVace/descriptions/apiParameters';
import { WanVaceInpaint } from '../../../../nodes/WanVace/WanVaceInpaint.node';
import { fs, path, repoRoot } from '../../../support/node';

type SchemaProperty = { type?: string; enum?: string[]; default?: unknown; minimum?: number; maximum?: number; items?: { type: string } };

const referenceDir = path.join(repoRoot, 'test', 'fixtures', 'reference');
const sharedReferenceDir = path.join(repoRoot, '..', 'shared', 'reference');

function requestSchema(file: string): { properties: Record<string, SchemaProperty>; required: string[] } {
	const document = JSON.parse(fs.readFileSync(path.join(referenceDir, file), 'utf8'));
	return document.paths['/v2/video/generations'].post.requestBody.content['application/json'].schema;
}

const current = requestSchema('openapi-post-current.json');
const seedEra = requestSchema('openapi-post-seed-era.json');
const tableByApiName = new Map(API_PARAMETERS.map((parameter) => [parameter.apiName, parameter]));

const EXPECTED_TYPES: Record<string, string[]> = {
	string: ['string', 'media'],
	integer: ['integer'],
	number: ['number'],
	boolean: ['boolean'],
	array: ['mediaList'],
};

describe('the parameter table against the reference schemas', () => {
	it('vendored schemas are the ones in ../shared/reference', () => {
		// The project's checkouts (and CI) have ../shared beside the repository; without it this is a failure.
		expect(fs.existsSync(sharedReferenceDir)).toBe(true);
		for (const file of fs.readdirSync(referenceDir)) {
			expect(fs.readFileSync(path.join(referenceDir, file), 'utf8')).toBe(
				fs.readFileSync(path.join(sharedReferenceDir, file), 'utf8'),
			);
		}
	});

	it('model is the one enum value and always sent', () => {
		expect(current.properties.model.enum).toEqual([MODEL_ID]);
		expect(current.required).toEqual(expect.arrayContaining(['model', 'prompt', 'video_url']));
	});

	it('covers the 26 request properties of the current schema (model aside) and the 4 the seed era had', () => {
		const currentNames = Object.keys(current.properties).filter((name) => name !== 'model');
		const droppedNames = Object.keys(seedEra.properties).filter((name) => !(name in current.properties));
		expect(currentNames).toHaveLength(26);
		expect(droppedNames.sort()).toEqual(['image_url', 'last_image_url', 'mask_image_url', 'seed']);
		expect([...tableByApiName.keys()].sort()).toEqual([...currentNames, ...droppedNames].sort());
		for (const name of droppedNames) expect(tableByApiName.get(name)?.schema).toBe('seed');
		for (const name of currentNames) expect(tableByApiName.get(name)?.schema).toBe('current');
	});

	it.each(API_PARAMETERS.map((parameter) => [parameter.apiName, parameter] as const))('%s: type, enum, default and range as documented', (apiName, parameter) => {
		const schema = (parameter.schema === 'current' ? current : seedEra).properties[apiName];
		expect(EXPECTED_TYPES[schema.enum ? 'enum' : (schema.type as string)] ?? ['options']).toContain(parameter.type);
		if (schema.enum) expect(parameter.options?.map((option) => option.value)).toEqual(schema.enum);
		if (schema.default !== undefined) {
			expect(parameter.default).toEqual(schema.default);
			expect(parameter.documentedDefault).toBe(true);
		} else {
			expect(parameter.documentedDefault).toBe(false);
		}
		if (schema.minimum !== undefined) expect(parameter.minValue).toBe(schema.minimum);
		if (schema.maximum !== undefined) expect(parameter.maxValue).toBe(schema.maximum);
		if (parameter.rangeSource === 'schema') {
			expect([schema.minimum, schema.maximum]).toEqual([parameter.minValue, parameter.maxValue]);
		}
		if (schema.items) expect(parameter.mediaKind).toBe('image');
	});
});

describe('every parameter is on the node', () => {
	const properties = new WanVaceInpaint().description.properties;
	const forOperation = (operation: string) =>
		properties.filter((property) => property.displayOptions?.show?.operation?.includes(operation));

	it.each(['generate', 'submit'])('%s: options collection holds every optional parameter with its documented default', (operation) => {
		const collection = forOperation(operation).find((property) => property.name === 'options');
		const options = (collection?.options ?? []) as INodeProperties[];
		for (const parameter of API_PARAMETERS.filter((p) => p.placement === 'options')) {
			if (parameter.type === 'media') {
				expect(options.map((option) => option.name)).toEqual(
					expect.arrayContaining([`${parameter.name}Url`, `${parameter.name}BinaryProperty`]),
				);
				continue;
			}
			const option = options.find((candidate) => candidate.name === parameter.name);
			expect(option).toBeDefined();
			if (parameter.type === 'mediaList') {
				expect(option?.type).toBe('fixedCollection');
				expect(option?.typeOptions?.maxAllowedFields).toBe(4);
				continue;
			}
			expect(option?.default).toEqual(parameter.default);
			expect(option?.description).toBeTruthy();
			if (parameter.minValue !== undefined) expect(option?.typeOptions?.minValue).toBe(parameter.minValue);
			if (parameter.maxValue !== undefined) expect(option?.typeOptions?.maxValue).toBe(parameter.maxValue);
			if (parameter.type === 'integer') expect(option?.typeOptions?.numberPrecision).toBe(0);
			if (parameter.options) expect(option?.options).toEqual(parameter.options);
		}
		const displayNames = options.map((option) => option.displayName);
		expect(displayNames).toEqual([...displayNames].sort((a, b) => a.localeCompare(b)));
	});

	it.each(['generate', 'submit'])('%s: prompt, video and mask are on the node itself', (operation) => {
		const names = forOperation(operation).map((property) => property.name);
		expect(names).toEqual(
			expect.arrayContaining(['prompt', 'videoSource', 'videoUrl', 'videoBinaryProperty', 'maskType', 'maskSource', 'maskUrl', 'maskBinaryProperty']),
		);
		const prompt = forOperation(operation).find((property) => property.name === 'prompt');
		expect(prompt?.required).toBe(true);
		const maskType = forOperation(operation).find((property) => property.name === 'maskType');
		expect(maskType?.options?.map((option) => ('value' in option ? option.value : undefined))).toEqual(['video', 'image']);
	});

	it('every property has a description and, where it takes text or numbers, a placeholder', () => {
		const check = (property: INodeProperties) => {
			if (['options', 'boolean', 'collection', 'fixedCollection'].includes(property.type) || property.name === 'operation' || property.name === 'resource') return;
			expect({ name: property.name, description: Boolean(property.description) }).toEqual({ name: property.name, description: true });
			expect({ name: property.name, placeholder: Boolean(property.placeholder) }).toEqual({ name: property.name, placeholder: true });
		};
		for (const property of properties) {
			check(property);
			for (const option of (property.options ?? []) as INodeProperties[]) if ('type' in option) check(option);
		}
	});
});
