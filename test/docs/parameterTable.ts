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

/** The parameter table of docs/PARAMETERS.md, rendered from the node's own parameter table. */
export function parameterTableMarkdown(): string {
	const rows = API_PARAMETERS.map((parameter) =>
		[
			`\`${parameter.apiName}\``,
			nodeField(parameter),
			typeOf(parameter),
			defaultOf(parameter),
			valuesOf(parameter),
			parameter.schema === 'seed' ? 'not in the current API schema: sent only when set, the API may ignore it' : '',
		].join(' | '),
	);
	return ['| API name | On the node | Type | Default | Values / range | Note |', '|---|---|---|---|---|---|', ...rows.map((row) => `| ${row} |`)].join('\n');
}

/** The lines around the generated table in docs/PARAMETERS.md. */
export const TABLE_START = '<!-- parameter-table:start (generated from nodes/WanVace/descriptions/apiParameters.ts by test/docs/parameterTable.ts; regenerate with `npx tsx test/docs/writeParameterTable.ts`) -->';
export const TABLE_END = '<!-- parameter-table:end -->';

/** The text between TABLE_START and TABLE_END in `document`, or undefined when a marker is missing. */
export function tableSection(document: string): string | undefined {
	const start = document.indexOf(TABLE_START);
	const end = document.indexOf(TABLE_END);
	if (start < 0 || end < start) return undefined;
	return document.slice(start + TABLE_START.length, end).trim();
}

/** `document` with the text between the markers replaced by the rendered table. */
export function withRenderedTable(document: string): string {
	const start = document.indexOf(TABLE_START);
	const end = document.indexOf(TABLE_END);
	if (start < 0 || end < start) throw new Error(`docs/PARAMETERS.md needs the lines ${TABLE_START} and ${TABLE_END}`);
	return `${document.slice(0, start + TABLE_START.length)}\n${parameterTableMarkdown()}\n${document.slice(end)}`;
}
