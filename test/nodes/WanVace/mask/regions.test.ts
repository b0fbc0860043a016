import { MaskRegionError, checkRegionsFitFrame, drawMaskImage, drawMaskVideo, parseMaskRegions } from '../../../../nodes/WanVace/mask';

/** Bad regions are refused with a message naming the region (its index in the array) and the field. */

const EXAMPLE = '[{ "shape": "rectangle", "left": 80, "top": 0, "width": 20, "height": 15 }]';
const one = (fields: Record<string, unknown>) => JSON.stringify([{ shape: 'rectangle', left: 10, top: 10, width: 20, height: 20, ...fields }]);

function refusal(run: () => unknown): { message: string; regionIndex: number | undefined; field: string | undefined } {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(MaskRegionError);
		const { message, regionIndex, field } = error as MaskRegionError;
		return { message, regionIndex, field };
	}
	throw new Error('expected a MaskRegionError');
}

describe('parseMaskRegions', () => {
	it('reads JSON text or an already-parsed array; unit defaults to percent, start/end stay optional', () => {
		const text = '[{"shape":"rectangle","left":80,"top":0,"width":20,"height":15},{"shape":"ellipse","left":5,"top":6,"width":7,"height":8,"unit":"pixels","start":1.5,"end":3}]';
		const expected = [
			{ shape: 'rectangle', left: 80, top: 0, width: 20, height: 15, unit: 'percent' },
			{ shape: 'ellipse', left: 5, top: 6, width: 7, height: 8, unit: 'pixels', start: 1.5, end: 3 },
		];
		expect(parseMaskRegions(text)).toEqual(expected);
		expect(parseMaskRegions(JSON.parse(text))).toEqual(expected);
		expect(parseMaskRegions(one({ left: -5, unit: null }))).toEqual([{ shape: 'rectangle', left: -5, top: 10, width: 20, height: 20, unit: 'percent' }]);
	});

	it.each([
		['JSON that does not parse', '[{"shape": "rectangle",', /^The mask regions are not valid JSON \(.+\)\. Give a JSON array of regions, e\.g\. \[\{ "shape"/],
		['not an array', '{"shape":"rectangle"}', `The mask regions must be a JSON array of regions (got an object), e.g. ${EXAMPLE}.`],
		['a parsed object', { shape: 'rectangle' }, `The mask regions must be a JSON array of regions (got an object), e.g. ${EXAMPLE}.`],
		['a number', 5, `The mask regions must be a JSON array of regions (got 5), e.g. ${EXAMPLE}.`],
		['an empty list', '[]', `The mask regions are an empty list: an all-black mask repaints nothing. Add at least one region, e.g. ${EXAMPLE}.`],
		['an empty parsed list', [], `The mask regions are an empty list: an all-black mask repaints nothing. Add at least one region, e.g. ${EXAMPLE}.`],
		['blank text', '  ', `The mask regions are empty: give a JSON array of regions, e.g. ${EXAMPLE}.`],
	])('refuses %s', (_name, value, message) => {
		const error = refusal(() => parseMaskRegions(value));
		if (message instanceof RegExp) expect(error.message).toMatch(message);
		else expect(error.message).toBe(message);
		expect([error.regionIndex, error.field]).toEqual([undefined, undefined]);
	});

	it.each([
		['a non-object entry', '[{"shape":"rectangle","left":1,"top":1,"width":1,"height":1}, 5]', 1, undefined, 'Region 1 must be an object like { "shape": "rectangle", "left": 10, "top": 10, "width": 20, "height": 20 } (got 5).'],
		['a null entry', '[null]', 0, undefined, 'Region 0 must be an object like { "shape": "rectangle", "left": 10, "top": 10, "width": 20, "height": 20 } (got null).'],
		['an unknown shape', one({ shape: 'circle' }), 0, 'shape', 'Region 0: "shape" must be "rectangle" or "ellipse" (got the text "circle"). Use one of those two shapes.'],
		['a missing shape', one({ shape: undefined }), 0, 'shape', 'Region 0: "shape" is missing. Use "rectangle" or "ellipse".'],
		['an unknown unit', one({ unit: 'cm' }), 0, 'unit', 'Region 0: "unit" must be "percent" or "pixels" (got the text "cm"). Leave it out for percent of the frame.'],
		['a numeric string', one({ left: '10' }), 0, 'left', 'Region 0: "left" must be a number (got the text "10"). Write it without quotes, e.g. 10 or 12.5.'],
		['a boolean', one({ top: true }), 0, 'top', 'Region 0: "top" must be a number (got true). Write it without quotes, e.g. 10 or 12.5.'],
		['a missing width', one({ width: undefined }), 0, 'width', 'Region 0: "width" is missing. Give it in percent of the frame (0–100).'],
		['a zero width', one({ width: 0 }), 0, 'width', 'Region 0: "width" must be greater than 0 (got 0). Give it in percent of the frame (0–100).'],
		['a negative height in pixels', one({ height: -5, unit: 'pixels' }), 0, 'height', 'Region 0: "height" must be greater than 0 (got -5). Give it in pixels of the source video.'],
		['a percent width above 100', one({ width: 120 }), 0, 'width', 'Region 0: "width" is 120 percent, above 100. Give percent of the frame (0–100), or set "unit": "pixels" for pixels.'],
		['a percent left above 100', one({ left: 100.5 }), 0, 'left', 'Region 0: "left" is 100.5 percent, above 100. Give percent of the frame (0–100), or set "unit": "pixels" for pixels.'],
		['a percent top above 100', one({ top: 101 }), 0, 'top', 'Region 0: "top" is 101 percent, above 100. Give percent of the frame (0–100), or set "unit": "pixels" for pixels.'],
		['a negative start', one({ start: -1 }), 0, 'start', 'Region 0: "start" must be 0 or more seconds (got -1). Give seconds from the start of the video, or leave it out for the whole video.'],
		['a start given as text', one({ start: '1' }), 0, 'start', 'Region 0: "start" must be a number (got the text "1"). Write it without quotes, e.g. 10 or 12.5.'],
		['end equal to start', one({ start: 2, end: 2 }), 0, 'end', 'Region 0: "end" (2 s) must be after "start" (2 s). The region is active from start (included) to end (excluded); leave "end" out to keep it to the end of the video.'],
		['end before start', one({ start: 3, end: 1.5 }), 0, 'end', 'Region 0: "end" (1.5 s) must be after "start" (3 s). The region is active from start (included) to end (excluded); leave "end" out to keep it to the end of the video.'],
		['end 0 without start', one({ end: 0 }), 0, 'end', 'Region 0: "end" (0 s) must be after "start" (0 s, the default). The region is active from start (included) to end (excluded); leave "end" out to keep it to the end of the video.'],
		['an unknown field', one({ colour: 'red' }), 0, 'colour', 'Region 0: "colour" is not a region field. Use only "shape", "left", "top", "width", "height", "unit", "start", "end".'],
	])('refuses %s', (_name, json, regionIndex, field, message) => {
		expect(refusal(() => parseMaskRegions(json))).toEqual({ message, regionIndex, field });
	});

	it('names the index of the bad region in the array', () => {
		const json = JSON.stringify([
			{ shape: 'rectangle', left: 0, top: 0, width: 10, height: 10 },
			{ shape: 'ellipse', left: 0, top: 0, width: 10, height: 10 },
			{ shape: 'ellipse', left: 0, top: 0, width: 10, height: 0 },
		]);
		expect(refusal(() => parseMaskRegions(json))).toEqual({
			message: 'Region 2: "height" must be greater than 0 (got 0). Give it in percent of the frame (0–100).',
			regionIndex: 2,
			field: 'height',
		});
	});

	it('refuses non-finite numbers of an already-parsed value', () => {
		const base = { shape: 'rectangle', left: 1, top: 1, width: 1, height: 1 };
		expect(refusal(() => parseMaskRegions([{ ...base, height: Infinity }])).message).toBe('Region 0: "height" must be a finite number (got Infinity). Give it in percent of the frame (0–100).');
		expect(refusal(() => parseMaskRegions([{ ...base, left: NaN, unit: 'pixels' }])).message).toBe('Region 0: "left" must be a finite number (got NaN). Give it in pixels of the source video.');
	});
});

describe('checkRegionsFitFrame', () => {
	const rect = (fields: Record<string, unknown>) => parseMaskRegions([{ shape: 'rectangle', left: 10, top: 10, width: 20, height: 20, ...fields }]);

	it('accepts a negative left/top while part of the region is inside the frame', () => {
		expect(() => checkRegionsFitFrame(rect({ left: -15, top: -19.9 }), 640, 360)).not.toThrow();
		expect(() => checkRegionsFitFrame(rect({ left: -100, top: 350, width: 101, height: 50, unit: 'pixels' }), 640, 360)).not.toThrow();
	});

	it.each([
		['left of the frame (percent)', { left: -30 }, 'left', 'Region 0: "left" puts the region wholly outside the 640×360 frame (it covers x -192 to -64, y 36 to 108). A negative "left" is allowed only while part of the region stays inside the frame.'],
		['right of the frame (pixels)', { left: 640, unit: 'pixels' }, 'left', 'Region 0: "left" puts the region wholly outside the 640×360 frame (it covers x 640 to 660, y 10 to 30). Use a "left" below 640 pixels.'],
		['above the frame, touching it', { top: -50, height: 50, unit: 'pixels' }, 'top', 'Region 0: "top" puts the region wholly outside the 640×360 frame (it covers x 10 to 30, y -50 to 0). A negative "top" is allowed only while part of the region stays inside the frame.'],
		['below the frame (percent)', { top: 100, shape: 'ellipse' }, 'top', 'Region 0: "top" puts the region wholly outside the 640×360 frame (it covers x 64 to 192, y 360 to 432). Use a "top" below 100 percent.'],
	])('refuses a region wholly %s', (_name, fields, field, message) => {
		expect(refusal(() => checkRegionsFitFrame(rect(fields), 640, 360))).toEqual({ message, regionIndex: 0, field });
	});

	it('drawMaskVideo and drawMaskImage check the regions too, and refuse a negative Grow', () => {
		const outside = rect({ left: 700, unit: 'pixels' });
		expect(refusal(() => drawMaskVideo({ regions: outside, invert: false, grow: 0 }, { width: 640, height: 360, fpsNum: 25, fpsDen: 1, frameCount: 1 })).field).toBe('left');
		expect(refusal(() => drawMaskImage({ regions: outside, invert: false, grow: 0 }, { width: 640, height: 360 })).field).toBe('left');
		expect(refusal(() => drawMaskImage({ regions: rect({}), invert: false, grow: -1 }, { width: 640, height: 360 }))).toEqual({
			message: '"Grow Mask" must be 0 or more pixels (got -1).',
			regionIndex: undefined,
			field: 'grow',
		});
		expect(() => drawMaskVideo({ regions: rect({}), invert: false, grow: 0 }, { width: 640, height: 360, fpsNum: 25, fpsDen: 1, frameCount: 0 })).toThrow(
			'Cannot draw the mask: the frame count must be a whole number from 1 to 1000000 (got 0)',
		);
	});
});
