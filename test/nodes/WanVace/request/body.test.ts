import { DEFAULT_NEGATIVE_PROMPT, MODEL_ID } from '../../../../nodes/WanVace/descriptions/apiParameters';
import { buildGenerationRequest } from '../../../../nodes/WanVace/request/body';
import { binaryPlaceholder } from '../../../../nodes/WanVace/request/streamBody';
import { type FakeContextOptions, fakeContext } from '../fakeContext';

const VIDEO = 'https://media.example.com/source.mp4';
const MASK = 'https://media.example.com/mask.mp4';

async function build(parameters: Record<string, unknown>, extra: Partial<FakeContextOptions> = {}) {
	const { ctx } = fakeContext({ parameters: { prompt: 'a red car', videoUrl: VIDEO, maskUrl: MASK, ...parameters } as never, ...extra });
	return await buildGenerationRequest(ctx, 0);
}

async function refusal(parameters: Record<string, unknown>, extra: Partial<FakeContextOptions> = {}): Promise<string> {
	try {
		await build(parameters, extra);
	} catch (error) {
		return (error as Error).message;
	}
	return 'accepted';
}

describe('buildGenerationRequest', () => {
	it('sends the model, the prompt and both URLs, and nothing the user did not set', async () => {
		const request = await build({});
		expect(request.body).toEqual({ model: MODEL_ID, prompt: 'a red car', video_url: VIDEO, mask_video_url: MASK });
		expect(request.media.map((input) => [input.field.apiName, input.value])).toEqual([
			['video_url', VIDEO],
			['mask_video_url', MASK],
		]);
	});

	it('puts each option under its API name, typed as the schema says', async () => {
		const request = await build({
			options: { numFrames: '97', framesPerSecond: 24, resolution: '720p', seed: 42, guidanceScale: 5.5, enableSafetyChecker: false, negativePrompt: DEFAULT_NEGATIVE_PROMPT },
		});
		expect(request.body).toEqual({
			model: MODEL_ID,
			prompt: 'a red car',
			video_url: VIDEO,
			mask_video_url: MASK,
			num_frames: 97,
			frames_per_second: 24,
			resolution: '720p',
			seed: 42,
			guidance_scale: 5.5,
			enable_safety_checker: false,
			negative_prompt: DEFAULT_NEGATIVE_PROMPT,
		});
	});

	it('sends a mask image as mask_image_url with Mask Type = Mask Image', async () => {
		const request = await build({ maskType: 'image', maskUrl: 'https://media.example.com/mask.png' });
		expect(request.body.mask_image_url).toBe('https://media.example.com/mask.png');
		expect(request.body).not.toHaveProperty('mask_video_url');
	});

	it('takes a binary file by reference: a data: URI placeholder, its size from the base64 text, echoed shortened', async () => {
		const bytes = Buffer.from('0123456789');
		const request = await build(
			{ videoSource: 'binary', videoBinaryProperty: 'clip' },
			{ items: [{ json: {}, binary: { clip: { data: bytes.toString('base64'), mimeType: 'video/mp4', fileName: 'clip.mp4' } } }] },
		);
		expect(request.body.video_url).toBe(`data:video/mp4;base64,${binaryPlaceholder(0)}`);
		expect(request.binaries).toEqual([
			expect.objectContaining({ property: 'clip', mimeType: 'video/mp4', bytes: 10, base64: bytes.toString('base64') }),
		]);
		expect(request.settings.video_url).toBe('data:video/mp4;base64 (10 bytes)');
	});

	it('refuses an empty binary file before anything is sent', async () => {
		const message = await refusal(
			{ videoSource: 'binary', videoBinaryProperty: 'clip' },
			{ items: [{ json: {}, binary: { clip: { data: '', mimeType: 'video/mp4', fileName: 'clip.mp4' } } }] },
		);
		expect(message).toBe('Video Binary Property (video_url): binary property "clip" is empty (0 bytes)');
	});

	it.each([
		[{ prompt: '  ' }, 'Prompt (prompt) is empty'],
		[{ options: { numFrames: 500 } }, 'Options > Number of Frames (num_frames) must be a whole number from 17 to 241, got 500'],
		[{ options: { resolution: '4k' } }, 'Options > Resolution (resolution) must be one of 480p, 580p, 720p, got "4k"'],
		[{ maskType: 'gif' }, 'Mask Type must be "video" or "image", got "gif"'],
	])('refuses %j before anything is sent: %s', async (parameters, message) => {
		expect(await refusal(parameters)).toBe(message);
	});
});
