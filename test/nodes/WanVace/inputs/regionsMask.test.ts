import type { IDataObject } from 'n8n-workflow';

import type { RunSettings } from '../../../../nodes/WanVace/descriptions/runOptions';
import { InputChecks } from '../../../../nodes/WanVace/inputs/checks';
import { drawRegionsMask, withDrawnMask } from '../../../../nodes/WanVace/inputs/regionsMask';
import { buildGenerationRequest } from '../../../../nodes/WanVace/request/body';
import { fs, path, repoRoot } from '../../../support/node';
import { fakeContext } from '../fakeContext';

/** Mask Source = Regions, from the parameters to the body, over a source given as a data: URI (no HTTP). */
const SAMPLE = fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'media', 'sample.mp4'));
const SAMPLE_URI = `data:video/mp4;base64,${SAMPLE.toString('base64')}`;
const SETTINGS = { checkInputs: false, includeMaskInOutput: false, requestTimeoutMs: 5000 } as RunSettings;
const LOGO = [{ shape: 'rectangle', left: 75, top: 0, width: 25, height: 20 }];

async function prepare(parameters: IDataObject, settings: Partial<RunSettings> = {}) {
	const { ctx } = fakeContext({
		parameters: { prompt: 'a clean sky', videoUrl: SAMPLE_URI, maskSource: 'regions', maskRegionsInput: 'json', maskRegionsJson: JSON.stringify(LOGO), ...parameters },
	});
	const stored: Array<{ data: Buffer; fileName?: string; mimeType?: string }> = [];
	(ctx.helpers as unknown as IDataObject).prepareBinaryData = async (data: Buffer, fileName?: string, mimeType?: string) => {
		stored.push({ data, fileName, mimeType });
		return { data: 'stored', mimeType, fileName };
	};
	const merged = { ...SETTINGS, ...settings };
	const checks = new InputChecks(ctx, merged, async (task) => await task());
	const request = await buildGenerationRequest(ctx, 0);
	await drawRegionsMask(ctx, 0, request, checks, merged);
	return { request, stored };
}

async function refusal(parameters: IDataObject): Promise<string> {
	try {
		await prepare(parameters);
	} catch (error) {
		return (error as Error).message;
	}
	return 'accepted';
}

describe('a mask drawn from regions', () => {
	it('goes into the body as a data: URI, shortened in settings, listed among the inputs', async () => {
		const { request, stored } = await prepare({});
		expect(request.body.mask_video_url).toMatch(/^data:video\/mp4;base64,AAAA/);
		expect(request.settings.mask_video_url).toMatch(/^data:video\/mp4;base64 \(\d+\.\d KB\)$/);
		expect(request.media.map((input) => input.field.apiName)).toEqual(['video_url']);
		expect(request.drawnMask?.report).toMatchObject({ drawnFrom: 'regions', width: 64, height: 64, frames: 16, frameRate: '16/1' });
		expect(withDrawnMask(undefined, request)?.inputs).toEqual({ mask_video_url: request.drawnMask?.report });
		expect(stored).toEqual([]);
	});

	it('Mask Type = Mask Image gives a PNG as mask_image_url', async () => {
		const { request } = await prepare({ maskType: 'image' });
		expect(request.body.mask_video_url).toBeUndefined();
		expect(request.body.mask_image_url).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
	});

	it('Include Mask in Output stores the mask file', async () => {
		const { request, stored } = await prepare({}, { includeMaskInOutput: true });
		expect(stored.map((entry) => [entry.fileName, entry.mimeType])).toEqual([['mask.mp4', 'video/mp4']]);
		expect(`data:video/mp4;base64,${stored[0].data.toString('base64')}`).toBe(request.body.mask_video_url);
		expect(request.drawnMask?.binary).toMatchObject({ fileName: 'mask.mp4' });
	});

	it('reads the Regions fields: Start 0 and End 0 mean the whole video', async () => {
		const region = { shape: 'ellipse', unit: 'pixels', left: 0, top: 0, width: 32, height: 32, start: 0, end: 0 };
		const { request } = await prepare({ maskRegionsInput: 'fields', maskRegions: { region: [region] } });
		expect(request.regionsMask?.regions).toEqual([{ shape: 'ellipse', unit: 'pixels', left: 0, top: 0, width: 32, height: 32 }]);
	});

	it.each([
		[{ maskRegionsJson: '[{"shape":"circle","left":0,"top":0,"width":1,"height":1}]' }, 'Mask Regions (JSON): Region 0: "shape" must be "rectangle" or "ellipse"'],
		[{ maskRegionsJson: '[]' }, 'Mask Regions (JSON): The mask regions are an empty list'],
		[{ maskRegionsInput: 'fields', maskRegions: {} }, 'Mask Regions: The mask regions are an empty list'],
		[{ maskGrow: -1 }, 'Grow Mask must be a whole number of pixels, 0 or more, got -1'],
		[{ maskRegionsJson: '[{"shape":"rectangle","left":64,"top":0,"width":10,"height":10,"unit":"pixels"}]' }, 'Region 0: "left" puts the region wholly outside the 64×64 frame'],
		[{ maskInvert: true, maskRegionsJson: '[{"shape":"rectangle","left":0,"top":0,"width":100,"height":100}]' }, 'is all black after Invert Mask: it repaints nothing'],
		[{ videoUrl: 'data:video/mp4;base64,AAAAAAAA' }, 'The mask cannot be drawn: the source video could not be probed'],
	])('refuses %j', async (parameters, message) => {
		expect(await refusal(parameters)).toContain(message);
	});
});
