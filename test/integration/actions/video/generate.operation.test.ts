import { DEFAULT_NEGATIVE_PROMPT, MODEL_ID } from '../../../../nodes/WanVace/descriptions/apiParameters';
import { storedBinarySize } from '../../../harness/engine';
import {
	FRAME_JPG,
	FRAME_PNG,
	MASK_URL,
	MASK_VIDEO,
	SAMPLE_VIDEO,
	VIDEO_URL,
	downloads,
	generateParameters,
	maxOpenAtOnce,
	polls,
	runAgainst,
	submits,
	useSimulator,
} from '../../../harness/fixtures';
import { fs } from '../../../support/node';
import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';

const simulator = useSimulator({ generationMs: 300 });

const dataUri = (mime: string, bytes: Buffer) => `data:${mime};base64,${bytes.toString('base64')}`;

describe('Generate', () => {
	it('sends only the inputs that were set, plus the model', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, { parameters: generateParameters() });
		expect(result.error).toBeUndefined();
		expect(submits(sim)).toHaveLength(1);
		expect(submits(sim)[0].body).toEqual({
			model: MODEL_ID,
			prompt: 'A red vintage car drives along the coast road',
			video_url: VIDEO_URL,
			mask_video_url: MASK_URL,
		});
		expect(submits(sim)[0].headers.authorization).toBe(`Bearer ${sim.apiKey}`);
		expect(submits(sim)[0].status).toBe(201);
	});

	it('maps every option to its API property, and the API accepts the body', async () => {
		const sim = simulator();
		const options = {
			negativePrompt: 'blurry, watermark',
			matchInputNumFrames: true,
			numFrames: 121,
			matchInputFramesPerSecond: false,
			framesPerSecond: 24,
			seed: 4294967295,
			resolution: '720p',
			aspectRatio: '9:16',
			numInferenceSteps: 40,
			guidanceScale: 6.5,
			shift: 3.25,
			enableSafetyChecker: true,
			enablePromptExpansion: false,
			preprocess: true,
			acceleration: 'none',
			videoQuality: 'maximum',
			videoWriteMode: 'small',
			numInterpolatedFrames: 2,
			temporalDownsampleFactor: 1,
			enableAutoDownsample: true,
			autoDownsampleMinFps: 12.5,
			interpolatorModel: 'rife',
			syncMode: true,
			firstFrameImageUrl: 'https://media.example.com/first.png',
			lastFrameImageUrl: 'https://media.example.com/last.png',
			imageList: {
				images: [
					{ source: 'url', url: 'https://media.example.com/ref1.png' },
					{ source: 'url', url: 'https://media.example.com/ref2.png' },
					{ source: 'url', url: 'https://media.example.com/ref3.png' },
				],
			},
		};
		const result = await runAgainst(sim, { parameters: generateParameters({ options }) });
		expect(result.error).toBeUndefined();
		expect(submits(sim)[0].status).toBe(201);
		expect(submits(sim)[0].body).toEqual({
			model: MODEL_ID,
			prompt: 'A red vintage car drives along the coast road',
			video_url: VIDEO_URL,
			mask_video_url: MASK_URL,
			negative_prompt: 'blurry, watermark',
			match_input_num_frames: true,
			num_frames: 121,
			match_input_frames_per_second: false,
			frames_per_second: 24,
			seed: 4294967295,
			resolution: '720p',
			aspect_ratio: '9:16',
			num_inference_steps: 40,
			guidance_scale: 6.5,
			shift: 3.25,
			enable_safety_checker: true,
			enable_prompt_expansion: false,
			preprocess: true,
			acceleration: 'none',
			video_quality: 'maximum',
			video_write_mode: 'small',
			num_interpolated_frames: 2,
			temporal_downsample_factor: 1,
			enable_auto_downsample: true,
			auto_downsample_min_fps: 12.5,
			interpolator_model: 'rife',
			sync_mode: true,
			image_url: 'https://media.example.com/first.png',
			last_image_url: 'https://media.example.com/last.png',
			image_list: ['https://media.example.com/ref1.png', 'https://media.example.com/ref2.png', 'https://media.example.com/ref3.png'],
		});
		expect(result.items[0].json.seed).toBe(4294967295);
		expect((result.items[0].json.settings as Record<string, unknown>).resolution).toBe('720p');
	});

	it('sends an option added with its default value (the documented default)', async () => {
		const sim = simulator();
		await runAgainst(sim, { parameters: generateParameters({ options: { negativePrompt: DEFAULT_NEGATIVE_PROMPT, numFrames: 81 } }) });
		expect(submits(sim)[0].body).toMatchObject({ negative_prompt: DEFAULT_NEGATIVE_PROMPT, num_frames: 81 });
	});

	it('sends a mask image as mask_image_url', async () => {
		const sim = simulator();
		await runAgainst(sim, { parameters: generateParameters({ maskType: 'image', maskUrl: 'https://media.example.com/mask.png' }) });
		const body = submits(sim)[0].body as Record<string, unknown>;
		expect(body.mask_image_url).toBe('https://media.example.com/mask.png');
		expect(body).not.toHaveProperty('mask_video_url');
	});

	it('turns binary inputs into data: URIs of the right type', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, {
			items: [
				{
					json: {},
					binary: {
						data: { data: SAMPLE_VIDEO, mimeType: 'video/mp4', fileName: 'source.mp4' },
						mask: { data: MASK_VIDEO, mimeType: 'application/octet-stream', fileName: 'mask.mp4' },
						first: { data: FRAME_PNG, mimeType: 'image/png', fileName: 'first.png' },
						last: { data: FRAME_JPG, mimeType: 'image/jpeg', fileName: 'last.jpg' },
					},
				},
			],
			parameters: generateParameters({
				videoSource: 'binary',
				maskSource: 'binary',
				options: {
					firstFrameImageBinaryProperty: 'first',
					lastFrameImageBinaryProperty: 'last',
					imageList: {
						images: [
							{ source: 'binary', binaryProperty: 'first' },
							{ source: 'url', url: 'https://media.example.com/ref.png' },
						],
					},
				},
			}),
		});
		expect(result.error).toBeUndefined();
		const body = submits(sim)[0].body as Record<string, unknown>;
		expect(submits(sim)[0].status).toBe(201);
		expect(body.video_url).toBe(dataUri('video/mp4', SAMPLE_VIDEO));
		expect(body.mask_video_url).toBe(dataUri('video/mp4', MASK_VIDEO));
		expect(body.image_url).toBe(dataUri('image/png', FRAME_PNG));
		expect(body.last_image_url).toBe(dataUri('image/jpeg', FRAME_JPG));
		expect(body.image_list).toEqual([dataUri('image/png', FRAME_PNG), 'https://media.example.com/ref.png']);
		const settings = result.items[0].json.settings as Record<string, unknown>;
		expect(settings.video_url).toBe(`data:video/mp4;base64 (${(SAMPLE_VIDEO.length / 1024).toFixed(1)} KB)`);
	});

	it('outputs the generation with the metadata the API returned and pairedItem', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, { parameters: generateParameters({ options: { seed: 7 } }) });
		const [item] = result.items;
		const generation = [...sim.generations.values()][0];
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.binary).toBeUndefined();
		expect(item.json).toMatchObject({
			generationId: generation.id,
			status: 'completed',
			videoUrl: `${sim.baseUrl}/files/${generation.fileId}.mp4`,
			contentType: 'video/mp4',
			fileSize: SAMPLE_VIDEO.length,
			model: MODEL_ID,
			seed: 7,
		});
		expect(typeof item.json.fileName).toBe('string');
		expect(typeof item.json.duration).toBe('number');
		expect(typeof item.json.creditsUsed).toBe('number');
		expect(item.json.video).toMatchObject({ url: item.json.videoUrl, file_size: SAMPLE_VIDEO.length });
		expect(generation.id).toMatch(/^[0-9a-f-]{36}:alibaba\/wan2\.2-vace-fun-a14b-inpainting$/);
	});

	it('downloads the video into binary data, streamed to the filesystem store', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, {
			parameters: generateParameters({ runOptions: { downloadVideo: true, binaryPropertyName: 'video' } }),
		});
		expect(result.error).toBeUndefined();
		const binary = result.items[0].binary?.video;
		expect(binary).toMatchObject({ mimeType: 'video/mp4', fileExtension: 'mp4', bytes: SAMPLE_VIDEO.length });
		expect(binary?.fileName).toMatch(/\.mp4$/);
		expect(binary?.id).toMatch(/^filesystem-v2:/);
		expect(storedBinarySize(binary!.id!)).toBe(SAMPLE_VIDEO.length);
		const stored = fs.readFileSync(Container.get(BinaryDataService).getPath(binary!.id!));
		expect(stored.equals(SAMPLE_VIDEO)).toBe(true);
		expect(downloads(sim)).toHaveLength(1);
		expect(downloads(sim)[0].headers.authorization).toBeUndefined();
	});

	it('downloads a large result without buffering it (size on disk matches)', async () => {
		const sim = simulator();
		sim.options.videoSizeBytes = 20 * 1024 * 1024;
		const result = await runAgainst(sim, { parameters: generateParameters({ runOptions: { downloadVideo: true } }) });
		expect(result.error).toBeUndefined();
		const binary = result.items[0].binary?.data;
		expect(binary?.bytes).toBe(20 * 1024 * 1024);
		expect(storedBinarySize(binary!.id!)).toBe(20 * 1024 * 1024);
	});

	it('submits every item first, then polls them together', async () => {
		const sim = simulator();
		sim.options.generationMs = 1000;
		const items = Array.from({ length: 6 }, (_, index) => ({ json: { index } }));
		const result = await runAgainst(sim, {
			items,
			parameters: generateParameters({ prompt: '={{ "clip " + $json.index }}' }),
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(6);
		result.items.forEach((item, index) => expect(item.pairedItem).toEqual({ item: index }));
		const firstPoll = Math.min(...polls(sim).map((entry) => entry.at));
		const lastSubmit = Math.max(...submits(sim).map((entry) => entry.at));
		expect(lastSubmit).toBeLessThan(firstPoll);
		expect(submits(sim).map((entry) => (entry.body as { prompt: string }).prompt).sort()).toEqual(
			items.map((_, index) => `clip ${index}`).sort(),
		);
		// Each item got its own generation back.
		const ids = result.items.map((item) => item.json.generationId);
		expect(new Set(ids).size).toBe(6);
		for (const [index, item] of result.items.entries()) {
			expect(sim.generations.get(item.json.generationId as string)?.body.prompt).toBe(`clip ${index}`);
		}
	});

	it('keeps at most Max Concurrent Requests in flight', async () => {
		const sim = simulator();
		sim.addFault({ route: 'submit', kind: 'hang', hangMs: 300, afterHang: 'respond' });
		const items = Array.from({ length: 6 }, () => ({ json: {} }));
		const result = await runAgainst(sim, { items, parameters: generateParameters({ runOptions: { maxConcurrentRequests: 2 } }) });
		expect(result.error).toBeUndefined();
		// Six submissions that each hang 300 ms: never more than two open at once, and two at times.
		expect(submits(sim)).toHaveLength(6);
		expect(maxOpenAtOnce(submits(sim))).toBe(2);
	});

	it('a rate-limited submission waits without holding up the other items', async () => {
		const sim = simulator();
		const limited = (prompt: unknown) => Number(String(prompt).replace('clip ', '')) < 5;
		sim.addFault({ route: 'submit', kind: 'status', status: 429, retryAfter: 2, times: 5, match: (request) => limited(request.body?.prompt) });
		const items = Array.from({ length: 10 }, (_, index) => ({ json: { index } }));
		const result = await runAgainst(sim, {
			items,
			parameters: generateParameters({ prompt: '={{ "clip " + $json.index }}', runOptions: { maxConcurrentRequests: 5 } }),
		});
		expect(result.error).toBeUndefined();
		const entries = submits(sim);
		const retries = entries.filter((entry) => limited((entry.body as { prompt: string }).prompt) && entry.status === 201);
		const others = entries.filter((entry) => !limited((entry.body as { prompt: string }).prompt));
		expect(retries).toHaveLength(5);
		expect(others).toHaveLength(5);
		// The five unlimited items were submitted, and polled, while the limited ones waited.
		expect(Math.max(...others.map((entry) => entry.at))).toBeLessThan(Math.min(...retries.map((entry) => entry.at)));
		expect(polls(sim).some((entry) => entry.at < Math.min(...retries.map((retry) => retry.at)))).toBe(true);
		expect(sim.counters().acceptedPosts).toBe(10);
	});

	it('polls about once per interval', async () => {
		const sim = simulator();
		sim.options.generationMs = 2000;
		const result = await runAgainst(sim, { parameters: generateParameters({ runOptions: { pollIntervalSeconds: 0.5 } }) });
		expect(result.error).toBeUndefined();
		// Never sooner than the interval after the last check (later is fine on a busy machine).
		const times = polls(sim).map((entry) => entry.at);
		expect(times.length).toBeGreaterThanOrEqual(2);
		const gaps = times.slice(1).map((at, index) => at - times[index]);
		expect(Math.min(...gaps)).toBeGreaterThanOrEqual(500 - 20);
	});

	it('treats the legacy running statuses as running', async () => {
		const sim = simulator();
		sim.options.legacyStatuses = true;
		sim.options.generationMs = 1200;
		const result = await runAgainst(sim, { parameters: generateParameters() });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.status).toBe('completed');
		const seen = new Set(polls(sim).map((entry) => entry.status));
		expect(seen).toEqual(new Set([200]));
	});
});
