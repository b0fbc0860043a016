import { type ApiParameter, API_PARAMETERS } from '../../nodes/WanVace/descriptions/apiParameters';

/** Where each API parameter sits on the node, as a user finds it. */
function nodeField(parameter: ApiParameter): string {
	switch (parameter.apiName) {
		case 'prompt':
			return 'Prompt';
		case 'video_url':
			return 'Video Source + Video URL / Video Binary Property';
		case 'mask_video_url':
			return 'Mask Type = Mask Video, Mask Source + Mask URL / Mask Binary Property';
		case 'mask_image_url':
			return 'Mask Type = Mask Image, Mask Source + Mask URL / Mask Binary Property';
	}
	if (parameter.type === 'media') return `Options > ${parameter.displayName} URL / ${parameter.displayName} Binary Property`;
	if (parameter.type === 'mediaList') return `Options > ${parameter.displayName} (URL or binary each)`;
	return `Options > ${parameter.displayName}`;
}

function typeOf(parameter: ApiParameter): string {
	if (parameter.type === 'media') return `${parameter.mediaKind} (URL, data: URI or binary)`;
	if (parameter.type === 'mediaList') return 'list of images';
	if (parameter.type === 'options') return 'enum';
	return parameter.type;
}

function defaultOf(parameter: ApiParameter): string {
	if (parameter.apiName.startsWith('mask_')) return 'required: one of the two masks';
	if (parameter.placement === 'main') return 'required';
	if (!parameter.documentedDefault) return 'API default (undocumented)';
	if (parameter.apiName === 'negative_prompt') return 'the long documented list';
	return `\`${String(parameter.default)}\``;
}

function valuesOf(parameter: ApiParameter): string {
	if (parameter.options) return parameter.options.map((option) => `\`${String(option.value)}\``).join(' ');
	const { minValue: min, maxValue: max } = parameter;
	if (min === undefined && max === undefined) return '';
	const range = max === undefined ? `≥ ${min}` : min === undefined ? `≤ ${max}` : `${min}–${max}`;
	return parameter.rangeSource === 'node' ? `${range} (node's bound)` : range;
}

/** The README's parameter table, generated from the node's own parameter table. */
export function parameterTableMarkdown(): string {
	const rows = API_PARAMETERS.map((parameter) =>
		[
			`\`${parameter.apiName}\``,
			nodeField(parameter),
			typeOf(parameter),
			defaultOf(parameter),
			valuesOf(parameter),
			parameter.schema === 'seed' ? 'seed era: dropped from the current schema, may be ignored' : '',
		].join(' | '),
	);
	return ['| API name | On the node | Type | Default | Values / range | Note |', '|---|---|---|---|---|---|', ...rows.map((row) => `| ${row} |`)].join('\n');
}
