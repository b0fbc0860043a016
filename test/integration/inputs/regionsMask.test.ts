import { runAgainst, submits, useSimulator } from '../../harness/fixtures';
import type { ProbedMedia } from '../../simulator';
import { decodeGray } from '../../support/ffmpeg';
import { type ReferenceRegion, firstDifference, referenceFrame, referenceVideo } from '../mask/reference';
import { dataUriBytes, jsonRegions, onlyGeneration, regionsParameters, storedBinary } from './regionsMask.helpers';

/**
 * Mask Source = Regions (issue 18), in n8n's engine against the simulator: the node probes the
 * source, draws the mask at its size, frame rate and length, and sends it as a data: URI. The
 * tests decode what the API received with ffmpeg and compare it pixel for pixel with the geometry
 * (test/integration/mask/reference.ts); the simulator's ffprobe figures of mask and source must match.
 */
const simulator = useSimulator({ generationMs: 300 });

const hintsOf = (result: Awaited<ReturnType<typeof runAgainst>>) =>
	(result.run.data.resultData.runData['Wan VACE Inpaint']?.[0]?.hints ?? []).map((hint) => hint.message);

/** A logo in the top-right corner for the whole video, and an ellipse from 0.25 s to 0.75 s. */
const LOGO_AND_ELLIPSE: ReferenceRegion[] = [
	{ shape: 'rectangle', left: 75, top: 0, width: 25, height: 20 },
	{ shape: 'ellipse', left: 8, top: 30, width: 20, height: 18, unit: 'pixels', start: 0.25, end: 0.75 },
];

function expectSameFormat(probe: { mask: ProbedMedia | { error: string }; source: ProbedMedia | { error: string } } | undefined, size?: { width: number; height: number }) {
	const mask = probe?.mask as ProbedMedia;
	const source = probe?.source as ProbedMedia;
	expect(mask).toMatchObject({ codec: expect.any(String), width: expect.any(Number) });
	expect(source).toMatchObject({ codec: expect.any(String), width: expect.any(Number) });
	expect({ width: mask.width, height: mask.height }).toEqual(size ?? { width: source.width, height: source.height });
	expect([mask.frames, mask.frameRate]).toEqual([source.frames, source.frameRate]);
}

describe('Mask Source: Regions draws the mask the API receives', () => {
	it('regions from JSON: a lossless H.264 mask of the source size, frame rate and length, exact to the pixel', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, { parameters: regionsParameters(sim, jsonRegions(LOGO_AND_ELLIPSE)) });
		expect(result.error).toBeUndefined();
		const generation = onlyGeneration(sim);
		expect(generation.body.mask_image_url).toBeUndefined();
		const { contentType, bytes } = dataUriBytes(generation.body.mask_video_url);
		expect(contentType).toBe('video/mp4');
		expect(generation.maskProbe).toMatchObject({ field: 'mask_video_url', mask: { codec: 'h264', width: 64, height: 64, frames: 16, frameRate: '16/1' } });
		expectSameFormat(generation.maskProbe);
		const expected = referenceVideo(LOGO_AND_ELLIPSE, { width: 64, height: 64, fpsNum: 16, fpsDen: 1, frameCount: 16 });
		expect(firstDifference(decodeGray(bytes, 'mp4'), expected, 64, 64)).toBeUndefined();

		const json = result.items[0].json;
		expect(json.settings).toMatchObject({ mask_video_url: `data:video/mp4;base64 (${(bytes.length / 1024).toFixed(1)} KB)` });
		expect(json.inputs).toEqual({
			mask_video_url: {
				drawnFrom: 'regions',
				regions: 2,
				contentType: 'video/mp4',
				bytes: bytes.length,
				container: 'mp4',
				width: 64,
				height: 64,
				framesPerSecond: 16,
				frameRate: '16/1',
				frames: 16,
				durationSeconds: 1,
			},
		});
		expect(json.inputWarnings).toBeUndefined();
		expect(result.items[0].binary).toBeUndefined();
	});

	it('regions from fields, Mask Type = Mask Image: a PNG of the source size (80x48 MOV)', async () => {
		const sim = simulator();
		const fields = { shape: 'ellipse', unit: 'percent', left: 10, top: 20, width: 50, height: 60, start: 0, end: 0 };
		const rectangle = { shape: 'rectangle', unit: 'pixels', left: 60, top: 40, width: 30, height: 30, start: 0.2, end: 0.4 };
		const result = await runAgainst(sim, {
			parameters: regionsParameters(sim, { maskType: 'image', maskRegionsInput: 'fields', maskRegions: { region: [fields, rectangle] } }, 'sample.mov'),
		});
		expect(result.error).toBeUndefined();
		const generation = onlyGeneration(sim);
		const { contentType, bytes } = dataUriBytes(generation.body.mask_image_url);
		expect(contentType).toBe('image/png');
		expect(generation.maskProbe).toMatchObject({ field: 'mask_image_url', mask: { codec: 'png', width: 80, height: 48, frames: 1 }, source: { width: 80, height: 48 } });
		// An image has no time: every region applies.
		const regions: ReferenceRegion[] = [
			{ shape: 'ellipse', left: 10, top: 20, width: 50, height: 60 },
			{ shape: 'rectangle', unit: 'pixels', left: 60, top: 40, width: 30, height: 30 },
		];
		const expected = referenceFrame(regions, { width: 80, height: 48, fpsNum: 1, fpsDen: 1, frameCount: 1 }, 0);
		expect(firstDifference(decodeGray(bytes, 'png'), expected, 80, 48)).toBeUndefined();
		expect(result.items[0].json.inputs).toMatchObject({ mask_image_url: { drawnFrom: 'regions', contentType: 'image/png', width: 80, height: 48, bytes: bytes.length } });
	});

	it('an odd size at 30000/1001 fps: rounded up to even, said in the output; Invert and Grow exact', async () => {
		const sim = simulator();
		const regions: ReferenceRegion[] = [{ shape: 'rectangle', left: 10, top: 5, width: 20, height: 11, unit: 'pixels', start: 0.1 }];
		const result = await runAgainst(sim, { parameters: regionsParameters(sim, { ...jsonRegions(regions), maskInvert: true, maskGrow: 2 }, 'odd-ntsc.mp4') });
		expect(result.error).toBeUndefined();
		const generation = onlyGeneration(sim);
		const { bytes } = dataUriBytes(generation.body.mask_video_url);
		expect(generation.maskProbe).toMatchObject({ mask: { width: 54, height: 32, frames: 12, frameRate: '30000/1001' }, source: { width: 53, height: 31 } });
		expectSameFormat(generation.maskProbe, { width: 54, height: 32 });
		const expected = referenceVideo(regions, { width: 53, height: 31, outWidth: 54, outHeight: 32, fpsNum: 30000, fpsDen: 1001, frameCount: 12, invert: true, grow: 2 });
		expect(firstDifference(decodeGray(bytes, 'mp4'), expected, 54, 32)).toBeUndefined();
		expect(result.items[0].json.inputs).toMatchObject({
			mask_video_url: { width: 54, height: 32, frames: 12, frameRate: '30000/1001', roundedUp: expect.stringContaining('The source is 53x31; the mask is 54x32') },
		});
	});

	it('with Check Inputs on, the source is read once and both inputs are listed', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, { parameters: regionsParameters(sim, { ...jsonRegions(LOGO_AND_ELLIPSE), runOptions: { checkInputs: true } }) });
		expect(result.error).toBeUndefined();
		expect(sim.inputLog.filter((entry) => entry.path.startsWith('/inputs/sample.mp4'))).toHaveLength(1);
		expect(result.items[0].json.inputs).toMatchObject({
			video_url: { container: 'mp4', width: 64, height: 64, frames: 16 },
			mask_video_url: { drawnFrom: 'regions', width: 64, height: 64, frames: 16 },
		});
	});

	it('warns when the mask is all white: the whole video is repainted', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, { parameters: regionsParameters(sim, jsonRegions([{ shape: 'rectangle', left: 0, top: 0, width: 100, height: 100 }])) });
		expect(result.error).toBeUndefined();
		expect(submits(sim)).toHaveLength(1);
		const warning = 'Mask Video drawn from Regions (JSON) is all white: the whole video is repainted';
		expect(result.items[0].json.inputWarnings).toEqual([expect.stringContaining(warning)]);
		expect(hintsOf(result)).toEqual([expect.stringContaining(warning)]);
	});

	it('Include Mask in Output puts the mask on the output item as binary "mask", beside the video', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, {
			parameters: regionsParameters(sim, { ...jsonRegions(LOGO_AND_ELLIPSE), runOptions: { includeMaskInOutput: true, downloadVideo: true } }),
		});
		expect(result.error).toBeUndefined();
		const { bytes } = dataUriBytes(onlyGeneration(sim).body.mask_video_url);
		const { mask, data } = result.items[0].binary ?? {};
		expect(mask).toMatchObject({ mimeType: 'video/mp4', fileName: 'mask.mp4', bytes: bytes.length });
		expect(storedBinary(mask?.id).equals(bytes)).toBe(true);
		expect(data).toMatchObject({ mimeType: 'video/mp4' });
	});

	it('Include Mask in Output still gives the mask after Retry On Fail resubmits a failed generation', async () => {
		const sim = simulator();
		sim.addFault({ route: 'poll', kind: 'jobError', times: 1 });
		const result = await runAgainst(sim, {
			parameters: regionsParameters(sim, { ...jsonRegions(LOGO_AND_ELLIPSE), runOptions: { includeMaskInOutput: true } }),
			retryOnFail: { maxTries: 2 },
		});
		expect(result.error).toBeUndefined();
		expect(sim.counters().posts).toBe(2);
		const bodies = [...sim.generations.values()].map((generation) => generation.body.mask_video_url);
		expect(bodies[0]).toBe(bodies[1]);
		const mask = result.items[0].binary?.mask;
		expect(storedBinary(mask?.id).equals(dataUriBytes(bodies[1]).bytes)).toBe(true);
		expect(result.items[0].json.status).toBe('completed');
	});
});
