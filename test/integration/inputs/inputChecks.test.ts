import { directLinkAdvice } from '../../../nodes/WanVace/inputs/problems';
import { FRAME_PNG, SAMPLE_VIDEO, checkedParameters, generateParameters, runAgainst, submits, useSimulator } from '../../harness/fixtures';
import type { Simulator } from '../../simulator';
import { REFUSED_INPUTS } from './inputChecks.cases';

const simulator = useSimulator({ generationMs: 300 });

const hintsOf = (result: Awaited<ReturnType<typeof runAgainst>>) =>
	(result.run.data.resultData.runData['Wan VACE Inpaint']?.[0]?.hints ?? []).map((hint) => hint.message);

/** Most input requests the host had open at once. */
function peakConcurrency(sim: Simulator): number {
	const events = sim.inputLog.flatMap((entry) => [
		{ at: entry.at, delta: 1 },
		{ at: entry.endedAt ?? entry.at, delta: -1 },
	]);
	events.sort((a, b) => a.at - b.at || a.delta - b.delta);
	let open = 0;
	let peak = 0;
	for (const event of events) peak = Math.max(peak, (open += event.delta));
	return peak;
}

describe('Check Inputs refuses bad inputs before anything is submitted', () => {
	it('has at least 25 cases', () => {
		expect(REFUSED_INPUTS.length).toBeGreaterThanOrEqual(25);
	});

	it.each(REFUSED_INPUTS.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
		const sim = simulator();
		const result = await runAgainst(sim, { parameters: testCase.parameters(sim), items: testCase.items });
		expect(result.error?.name).toBe('NodeOperationError');
		for (const part of testCase.message) expect(result.error?.message).toContain(part);
		expect(result.error?.description).toContain(testCase.fix);
		expect(result.error?.context?.itemIndex).toBe(0);
		expect(submits(sim)).toHaveLength(0);
		expect(sim.log).toEqual([]);
	});

	it('stops a batch whose last item is bad before the first submission', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, {
			items: [{ json: { video: 'sample.mp4' } }, { json: { video: 'moov-last.mp4' } }, { json: { video: 'share-page' } }],
			parameters: checkedParameters(sim, { videoUrl: `={{ ${JSON.stringify(sim.inputUrl(''))} + $json.video }}` }),
		});
		expect(result.error?.message).toContain('Video URL (video_url) is a web page');
		expect(result.error?.context?.itemIndex).toBe(2);
		expect(sim.log).toEqual([]);
	});

	it('with Continue On Fail, fails only the bad item and submits the others', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, {
			continueOnFail: true,
			items: [{ json: { video: 'sample.mp4' } }, { json: { video: 'status/403' } }, { json: { video: 'sample.webm' } }],
			parameters: checkedParameters(sim, { videoUrl: `={{ ${JSON.stringify(sim.inputUrl(''))} + $json.video }}` }),
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.error ?? 'ok')).toEqual(['ok', 'Video URL (video_url) is not public (HTTP 403)', 'ok']);
		expect(submits(sim)).toHaveLength(2);
		expect(result.items[2].json.inputs).toMatchObject({ video_url: { container: 'webm' } });
	});

	it('checks in the Submit operation too', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, { parameters: { ...checkedParameters(sim, { videoUrl: sim.inputUrl('frame.png') }), operation: 'submit' } });
		expect(result.error?.message).toContain('holds an image (PNG, 64x64), not a video');
		expect(sim.log).toEqual([]);
	});

	it('switched off, sends the inputs unchecked and reads none of them', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, { parameters: checkedParameters(sim, { videoUrl: sim.inputUrl('share-page'), runOptions: { checkInputs: false } }) });
		expect(result.error).toBeUndefined();
		expect(submits(sim)).toHaveLength(1);
		expect(sim.inputLog).toEqual([]);
		expect(result.items[0].json.inputs).toBeUndefined();
	});
});

describe('Check Inputs reports what it found', () => {
	it('puts the probe figures of every input in the output item', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, {
			parameters: checkedParameters(sim, {
				videoUrl: sim.inputUrl('moov-last.mp4'),
				options: {
					matchInputNumFrames: true,
					resolution: '480p',
					firstFrameImageUrl: sim.inputUrl('frame.jpg'),
					imageList: { images: [{ source: 'url', url: sim.inputUrl('frame.png') }, { source: 'url', url: sim.inputUrl('frame.webp') }] },
				},
			}),
		});
		expect(result.error).toBeUndefined();
		const video = { contentType: 'video/mp4', container: 'mp4', width: 64, height: 64, durationSeconds: 1, frames: 16, framesPerSecond: 16 };
		expect(result.items[0].json.inputs).toEqual({
			video_url: { ...video, bytes: 2302 },
			mask_video_url: { ...video, bytes: 1771 },
			image_url: { contentType: 'image/jpeg', bytes: 1798, container: 'jpeg', width: 64, height: 64 },
			image_list: [
				{ contentType: 'image/png', bytes: 552, container: 'png', width: 64, height: 64 },
				{ contentType: 'image/webp', bytes: 714, container: 'webp', width: 64, height: 64 },
			],
		});
	});

	it('probes binary inputs and data: URIs without any request', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, {
			items: [{ json: {}, binary: { clip: { data: SAMPLE_VIDEO, mimeType: 'video/mp4', fileName: 'clip.mp4' } } }],
			parameters: checkedParameters(sim, {
				videoSource: 'binary',
				videoBinaryProperty: 'clip',
				maskType: 'image',
				maskUrl: `data:image/png;base64,${FRAME_PNG.toString('base64')}`,
			}),
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.inputs).toEqual({
			video_url: { contentType: 'video/mp4', bytes: SAMPLE_VIDEO.length, container: 'mp4', width: 64, height: 64, durationSeconds: 1, frames: 16, framesPerSecond: 16 },
			mask_image_url: { contentType: 'image/png', bytes: FRAME_PNG.length, container: 'png', width: 64, height: 64 },
		});
		expect(sim.inputLog).toEqual([]);
	});

	it('warns, without refusing, when the mask differs from the video and the request asks for more than the source has', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, { parameters: checkedParameters(sim, { maskUrl: sim.inputUrl('mask-32x32-2s.mp4'), options: { numFrames: 49, resolution: '720p' } }) });
		expect(result.error).toBeUndefined();
		expect(submits(sim)).toHaveLength(1);
		const warnings = result.items[0].json.inputWarnings;
		expect(warnings).toEqual([
			expect.stringContaining('Mask URL (mask_video_url) is 32x32 but the video is 64x64'),
			expect.stringContaining('Mask URL (mask_video_url) is 32 frames, 2 s long but the video is 16 frames, 1 s'),
			expect.stringContaining('Number of Frames asks for 49 frames but the video has 16'),
			expect.stringContaining('Resolution 720p is above the video\'s 64x64'),
		]);
		expect(hintsOf(result)).toEqual(warnings);
	});

	it('gives no warning when mask and request match the source', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, { parameters: checkedParameters(sim, { options: { matchInputNumFrames: true } }), items: [{ json: {} }] });
		// 480p (the default) is still above the 64x64 fixtures: the only warning left.
		expect(result.items[0].json.inputWarnings).toEqual([expect.stringContaining("Resolution 480p (the API's default) is above")]);
	});

	it('warns when the server calls a good video an image', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, { parameters: checkedParameters(sim, { videoUrl: sim.inputUrl('sample.mp4?type=image/png'), options: { matchInputNumFrames: true, resolution: '480p' } }) });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.inputWarnings).toContainEqual(expect.stringContaining('is a video (MP4, 64x64), but its server calls it image/png'));
	});

	it('reads a server that ignores Range no further than the first 64 KiB', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, { parameters: checkedParameters(sim, { videoUrl: sim.inputUrl('large-faststart.mp4?norange=1&bytes=200000000') }) });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.inputs).toMatchObject({ video_url: { bytes: 200_000_000, width: 64, frames: 16 } });
		const entry = sim.inputLog.find((logged) => logged.path.includes('large-faststart'));
		expect(entry?.status).toBe(200);
		// What the sockets accepted before the node closed them: loopback buffers hold a few MB
		// (4.3 MB seen on a busy CI machine; up to 4 MB sent + 32 MB received by the kernel's
		// limits here), far from the 200 MB a whole read would be.
		expect(entry?.bytesSent).toBeLessThan(50 * 1000 * 1000);
	});

	it('checks a batch of 50 items, each URL once, within Max Concurrent Requests', async () => {
		const sim = simulator();
		const items = Array.from({ length: 50 }, (_, i) => ({ json: { i } }));
		const result = await runAgainst(sim, {
			items,
			parameters: checkedParameters(sim, {
				videoUrl: `={{ ${JSON.stringify(sim.inputUrl("sample.mp4?delayMs=40&clip="))} + $json.i }}`,
				runOptions: { maxConcurrentRequests: 8 },
			}),
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(50);
		expect(result.items.every((item) => (item.json.inputs as { video_url?: { frames?: number } }).video_url?.frames === 16)).toBe(true);
		expect(submits(sim)).toHaveLength(50);
		// 50 distinct videos and one mask shared by all items.
		expect(sim.inputLog).toHaveLength(51);
		expect(peakConcurrency(sim)).toBeLessThanOrEqual(8);
		expect(peakConcurrency(sim)).toBeGreaterThan(1);
		// One hint per warning, naming the items it applies to: not 100 hints for 50 items.
		expect(hintsOf(result)).toEqual([
			expect.stringMatching(/^Items 0, 1, 2, 3, 4 and 45 more: Number of Frames asks for 81 frames/),
			expect.stringMatching(/^Items 0, 1, 2, 3, 4 and 45 more: Resolution 480p/),
		]);
		const lastCheck = Math.max(...sim.inputLog.map((entry) => entry.endedAt ?? entry.at));
		expect(Math.min(...submits(sim).map((entry) => entry.at))).toBeGreaterThanOrEqual(lastCheck);
	});

	it('leaves runs with the checks off as they were (the other suites run so)', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, { parameters: generateParameters() });
		expect(result.error).toBeUndefined();
		expect(sim.inputLog).toEqual([]);
	});
});

describe('direct-link advice for share pages', () => {
	it.each([
		['https://drive.google.com/file/d/1AbC/view?usp=sharing', 'drive.google.com/uc?export=download&id=FILE_ID'],
		['https://www.dropbox.com/s/abc/clip.mp4?dl=0', 'Change "dl=0" at the end of the link to "dl=1"'],
		['https://1drv.ms/v/s!Abc', 'Add "download=1" to the link'],
		['https://contoso.sharepoint.com/:v:/g/clip', 'Add "download=1" to the link'],
		['https://www.youtube.com/watch?v=abc', 'A YouTube or Vimeo page is not a video file'],
		['https://youtu.be/abc', 'A YouTube or Vimeo page is not a video file'],
		['https://cdn.example.com/page', 'Use the direct link to the file itself'],
	])('%s', (url, advice) => {
		expect(directLinkAdvice(url)).toContain(advice);
	});
});
