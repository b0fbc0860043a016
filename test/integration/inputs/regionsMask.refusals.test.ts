import { runAgainst, useSimulator } from '../../harness/fixtures';
import { jsonRegions, regionsParameters } from './regionsMask.helpers';

/**
 * Bad regions and sources a mask cannot be drawn for (issue 18): the item fails with a message
 * naming the region and the field, before anything is sent to the API (0 POSTs).
 */
const simulator = useSimulator({ generationMs: 300 });

const rect = (fields: Record<string, unknown> = {}) => ({ shape: 'rectangle', left: 10, top: 10, width: 20, height: 20, ...fields });

/** [name, regions (JSON text or value), parts of the message]. */
const BAD_REGIONS: Array<[string, unknown, string[]]> = [
	['an unknown shape', [rect(), rect({ shape: 'triangle' })], ['Region 1: "shape" must be "rectangle" or "ellipse" (got the text "triangle")']],
	['a zero width', [rect({ width: 0 })], ['Region 0: "width" must be greater than 0 (got 0)']],
	['a negative height', [rect({ height: -5 })], ['Region 0: "height" must be greater than 0 (got -5)']],
	['a region wholly outside the frame', [rect({ left: 70, unit: 'pixels' })], ['Region 0: "left" puts the region wholly outside the 64×64 frame']],
	['a region above the frame', [rect({ top: -30, height: 20 })], ['Region 0: "top" puts the region wholly outside the 64×64 frame']],
	['end before start', [rect({ start: 0.5, end: 0.5 })], ['Region 0: "end" (0.5 s) must be after "start" (0.5 s)']],
	['a percent above 100', [rect({ width: 120 })], ['Region 0: "width" is 120 percent, above 100']],
	['an unknown field', [rect({ colour: 'red' })], ['Region 0: "colour" is not a region field']],
	['a number in quotes', [rect({ left: '10' })], ['Region 0: "left" must be a number (got the text "10")']],
	['JSON that does not parse', '[{ "shape": "rectangle", ', ['The mask regions are not valid JSON']],
	['JSON that is not an array', { shape: 'rectangle' }, ['The mask regions must be a JSON array of regions (got an object)']],
	['an empty list', [], ['The mask regions are an empty list: an all-black mask repaints nothing']],
];

describe('Mask Source: Regions refuses bad regions before any submission', () => {
	it.each(BAD_REGIONS)('%s', async (_name, regions, message) => {
		const sim = simulator();
		const result = await runAgainst(sim, { parameters: regionsParameters(sim, jsonRegions(regions)) });
		expect(result.error?.name).toBe('NodeOperationError');
		for (const part of message) expect(result.error?.message).toContain(part);
		expect(result.error?.message).toMatch(/^Mask Regions \(JSON\): /);
		expect(result.error?.description).toContain('Mask Source is "Regions"');
		expect(result.error?.context?.itemIndex).toBe(0);
		expect(sim.counters().posts).toBe(0);
	});

	it('names the region of the Regions fields by its index', async () => {
		const sim = simulator();
		const entry = { shape: 'rectangle', unit: 'percent', left: 0, top: 0, width: 10, height: 10, start: 0, end: 0 };
		const result = await runAgainst(sim, {
			parameters: regionsParameters(sim, { maskRegionsInput: 'fields', maskRegions: { region: [entry, { ...entry, height: 0 }] } }),
		});
		expect(result.error?.message).toBe('Mask Regions: Region 1: "height" must be greater than 0 (got 0). Give it in percent of the frame (0–100).');
		expect(result.error?.description).toContain('(region 1, field "height")');
		expect(sim.counters().posts).toBe(0);
	});

	it('refuses a mask that would be all black (Invert of a full-frame region)', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, { parameters: regionsParameters(sim, { ...jsonRegions([rect({ left: 0, top: 0, width: 100, height: 100 })]), maskInvert: true }) });
		expect(result.error?.message).toBe('The mask cannot be drawn: the mask video drawn from Regions (JSON) is all black after Invert Mask: it repaints nothing');
		expect(sim.counters().posts).toBe(0);
	});

	it('refuses a region too small to cover the centre of any pixel', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, { parameters: regionsParameters(sim, jsonRegions([rect({ unit: 'pixels', left: 3.6, top: 3.6, width: 0.5, height: 0.5 })])) });
		expect(result.error?.message).toContain('is all black: it repaints nothing');
		expect(sim.counters().posts).toBe(0);
	});

	it.each([
		['truncated.mp4', 'claims to be MP4 but its header cannot be read'],
		['random.bin', 'is not a video file this node recognises'],
		['status/404', 'was not found (HTTP 404)'],
		['large-moov-last.mp4?bytes=1000000&norange=1', 'n8n could not read its size, frame rate, frame count (MP4 container)'],
	])('a source that cannot be probed (%s) fails with why and what to do, even with Check Inputs off', async (source, why) => {
		const sim = simulator();
		const result = await runAgainst(sim, { parameters: regionsParameters(sim, jsonRegions([rect()]), source) });
		expect(result.error?.message).toContain('The mask cannot be drawn: the source video could not be probed');
		expect(result.error?.message).toContain(why);
		expect(result.error?.description).toContain('so n8n reads the video first (even with Run Options > Check Inputs off)');
		expect(result.error?.description).toContain('set Mask Source to URL or Binary File');
		expect(result.error?.description).not.toContain('turn off Run Options > Check Inputs');
		expect(sim.counters().posts).toBe(0);
	});

	it('with Continue On Fail, the item with bad regions becomes an error item and the others are submitted', async () => {
		const sim = simulator();
		const items = [{ json: { regions: [rect()] } }, { json: { regions: [rect({ shape: 'star' })] } }, { json: { regions: [rect({ shape: 'ellipse' })] } }];
		const result = await runAgainst(sim, {
			continueOnFail: true,
			items,
			parameters: regionsParameters(sim, { maskRegionsJson: '={{ $json.regions }}' }),
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.error ?? item.json.status)).toEqual([
			'completed',
			expect.stringContaining('Region 0: "shape" must be "rectangle" or "ellipse" (got the text "star")'),
			'completed',
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(sim.counters().posts).toBe(2);
	});
});
