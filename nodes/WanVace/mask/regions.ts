/** Mask regions: their types, parsing of the JSON form and the checks against the frame (issue 18). */

export type MaskShape = 'rectangle' | 'ellipse';
export type MaskUnit = 'percent' | 'pixels';

export interface MaskRegion {
	shape: MaskShape;
	left: number;
	top: number;
	width: number;
	height: number;
	/** Default `percent` (of the source's width for left/width, of its height for top/height). */
	unit: MaskUnit;
	/** Seconds; missing: from the start of the video. */
	start?: number;
	/** Seconds (excluded); missing: to the end of the video. */
	end?: number;
}

export class MaskRegionError extends Error {
	constructor(
		message: string,
		readonly regionIndex: number | undefined,
		readonly field: string | undefined,
	) {
		super(message);
		this.name = 'MaskRegionError';
	}
}

const SHAPES: readonly MaskShape[] = ['rectangle', 'ellipse'];
const UNITS: readonly MaskUnit[] = ['percent', 'pixels'];
const FIELDS = ['shape', 'left', 'top', 'width', 'height', 'unit', 'start', 'end'];
const EXAMPLE = '[{ "shape": "rectangle", "left": 80, "top": 0, "width": 20, "height": 15 }]';

const describe = (value: unknown): string => {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (value === undefined) return 'nothing';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
};

function fail(index: number, field: string, problem: string, fix: string): never {
	throw new MaskRegionError(`Region ${index}: "${field}" ${problem}. ${fix}`, index, field);
}

function numberField(entry: Record<string, unknown>, index: number, field: string, required: boolean, fix: string): number | undefined {
	const value = entry[field];
	if (value === undefined || value === null) {
		if (required) fail(index, field, 'is missing', fix);
		return undefined;
	}
	if (typeof value !== 'number') fail(index, field, `must be a number (got ${describe(value)})`, 'Write it without quotes, e.g. 10 or 12.5.');
	if (!Number.isFinite(value)) fail(index, field, `must be a finite number (got ${value})`, fix);
	return value;
}

function parseRegion(entry: unknown, index: number): MaskRegion {
	if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
		throw new MaskRegionError(
			`Region ${index} must be an object like { "shape": "rectangle", "left": 10, "top": 10, "width": 20, "height": 20 } (got ${describe(entry)}).`,
			index,
			undefined,
		);
	}
	const fields = entry as Record<string, unknown>;
	const unknown = Object.keys(fields).find((key) => !FIELDS.includes(key));
	if (unknown !== undefined) fail(index, unknown, 'is not a region field', `Use only ${FIELDS.map((name) => `"${name}"`).join(', ')}.`);

	const shape = fields.shape;
	if (shape === undefined || shape === null) fail(index, 'shape', 'is missing', 'Use "rectangle" or "ellipse".');
	if (!SHAPES.includes(shape as MaskShape)) fail(index, 'shape', `must be "rectangle" or "ellipse" (got ${describe(shape)})`, 'Use one of those two shapes.');
	const unitValue = fields.unit ?? 'percent';
	if (!UNITS.includes(unitValue as MaskUnit)) fail(index, 'unit', `must be "percent" or "pixels" (got ${describe(unitValue)})`, 'Leave it out for percent of the frame.');
	const unit = unitValue as MaskUnit;

	const sizeFix = unit === 'percent' ? 'Give it in percent of the frame (0–100).' : 'Give it in pixels of the source video.';
	const left = numberField(fields, index, 'left', true, sizeFix)!;
	const top = numberField(fields, index, 'top', true, sizeFix)!;
	const width = numberField(fields, index, 'width', true, sizeFix)!;
	const height = numberField(fields, index, 'height', true, sizeFix)!;
	for (const [field, value] of [['width', width], ['height', height]] as const) {
		if (value <= 0) fail(index, field, `must be greater than 0 (got ${value})`, sizeFix);
	}
	if (unit === 'percent') {
		for (const [field, value] of [['left', left], ['top', top], ['width', width], ['height', height]] as const) {
			if (value > 100) fail(index, field, `is ${value} percent, above 100`, 'Give percent of the frame (0–100), or set "unit": "pixels" for pixels.');
		}
	}

	const timeFix = 'Give seconds from the start of the video, or leave it out for the whole video.';
	const start = numberField(fields, index, 'start', false, timeFix);
	const end = numberField(fields, index, 'end', false, timeFix);
	if (start !== undefined && start < 0) fail(index, 'start', `must be 0 or more seconds (got ${start})`, timeFix);
	if (end !== undefined && end <= (start ?? 0)) {
		fail(index, 'end', `(${end} s) must be after "start" (${start === undefined ? '0 s, the default' : `${start} s`})`, 'The region is active from start (included) to end (excluded); leave "end" out to keep it to the end of the video.');
	}
	return {
		shape: shape as MaskShape,
		left,
		top,
		width,
		height,
		unit,
		...(start !== undefined ? { start } : {}),
		...(end !== undefined ? { end } : {}),
	};
}

/** JSON text or an already-parsed value → regions; throws MaskRegionError naming region index and field. */
export function parseMaskRegions(value: unknown): MaskRegion[] {
	let parsed = value;
	if (typeof value === 'string') {
		if (value.trim() === '') throw new MaskRegionError(`The mask regions are empty: give a JSON array of regions, e.g. ${EXAMPLE}.`, undefined, undefined);
		let reason: string | undefined;
		try {
			parsed = JSON.parse(value);
		} catch (error) {
			reason = error instanceof Error ? error.message : String(error);
		}
		if (reason !== undefined) {
			throw new MaskRegionError(`The mask regions are not valid JSON (${reason}). Give a JSON array of regions, e.g. ${EXAMPLE}.`, undefined, undefined);
		}
	}
	if (!Array.isArray(parsed)) {
		throw new MaskRegionError(`The mask regions must be a JSON array of regions (got ${describe(parsed)}), e.g. ${EXAMPLE}.`, undefined, undefined);
	}
	if (parsed.length === 0) {
		throw new MaskRegionError(`The mask regions are an empty list: an all-black mask repaints nothing. Add at least one region, e.g. ${EXAMPLE}.`, undefined, undefined);
	}
	return parsed.map(parseRegion);
}

/** The region's box in pixels of a width × height source (no grow). */
export function regionPixels(region: MaskRegion, width: number, height: number): { left: number; top: number; width: number; height: number } {
	if (region.unit === 'pixels') return { left: region.left, top: region.top, width: region.width, height: region.height };
	return { left: (region.left * width) / 100, top: (region.top * height) / 100, width: (region.width * width) / 100, height: (region.height * height) / 100 };
}

/** Checks against the frame: wholly outside the frame, etc. Throws MaskRegionError. */
export function checkRegionsFitFrame(regions: MaskRegion[], width: number, height: number): void {
	regions.forEach((region, index) => {
		const box = regionPixels(region, width, height);
		const size = `the ${width}×${height} frame`;
		const where = `covers x ${round(box.left)} to ${round(box.left + box.width)}, y ${round(box.top)} to ${round(box.top + box.height)}`;
		if (box.left >= width) fail(index, 'left', `puts the region wholly outside ${size} (it ${where})`, `Use a "left" below ${region.unit === 'percent' ? '100 percent' : `${width} pixels`}.`);
		if (box.top >= height) fail(index, 'top', `puts the region wholly outside ${size} (it ${where})`, `Use a "top" below ${region.unit === 'percent' ? '100 percent' : `${height} pixels`}.`);
		if (box.left + box.width <= 0) fail(index, 'left', `puts the region wholly outside ${size} (it ${where})`, 'A negative "left" is allowed only while part of the region stays inside the frame.');
		if (box.top + box.height <= 0) fail(index, 'top', `puts the region wholly outside ${size} (it ${where})`, 'A negative "top" is allowed only while part of the region stays inside the frame.');
	});
}

const round = (value: number): string => String(Math.round(value * 100) / 100);
