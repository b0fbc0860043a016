import type { INodePropertyOptions } from 'n8n-workflow';

/**
 * Every request property of `alibaba/wan2.2-vace-fun-a14b-inpainting` (except `model`,
 * which the node always sends) as AI/ML API names it. The node's properties, the request
 * builder and its validation are all derived from this table; a test checks it against
 * the reference schemas in ../shared/reference.
 *
 * `schema: 'seed'` marks the four properties that the 2025-11-20 schema (the one the seed
 * page was rendered from) had and the current schema dropped.
 */
export type ApiParameterType = 'string' | 'integer' | 'number' | 'boolean' | 'options' | 'media' | 'mediaList';

export type MediaKind = 'video' | 'image';

export interface ApiParameter {
	/** Property name in the JSON request body. */
	apiName: string;
	/** Node property name (camelCase of apiName). */
	name: string;
	displayName: string;
	type: ApiParameterType;
	/** The documented default, or the UI starting value where the reference documents none. */
	default: string | number | boolean;
	/** True when `default` is the reference's documented default. */
	documentedDefault: boolean;
	description: string;
	placeholder?: string;
	options?: INodePropertyOptions[];
	minValue?: number;
	maxValue?: number;
	/** Where min/max come from: the reference schema, or a sanity bound added by the node. */
	rangeSource?: 'schema' | 'seed' | 'node';
	mediaKind?: MediaKind;
	/** Shown on the node itself rather than in the Options collection. */
	placement: 'main' | 'options';
	schema: 'current' | 'seed';
}

const SEED_ERA_NOTE =
	' Listed by the seed-era API schema but dropped from the current one, so the API may ignore it.';

export const MODEL_ID = 'alibaba/wan2.2-vace-fun-a14b-inpainting';

export const DEFAULT_NEGATIVE_PROMPT =
	'letterboxing, borders, black bars, bright colors, overexposed, static, blurred details, subtitles, style, artwork, painting, picture, still, overall gray, worst quality, low quality, JPEG compression residue, ugly, incomplete, extra fingers, poorly drawn hands, poorly drawn faces, deformed, disfigured, malformed limbs, fused fingers, still picture, cluttered background, three legs, many people in the background, walking backwards';

/** Seeds are 32-bit unsigned integers: the reference gives no range, this is the node's bound. */
export const SEED_MAX = 4294967295;

const enumOptions = (values: string[], labels: Record<string, string> = {}): INodePropertyOptions[] =>
	values.map((value) => ({ name: labels[value] ?? value, value }));

export const API_PARAMETERS: ApiParameter[] = [
	{
		displayName: 'Prompt',
		apiName: 'prompt',
		name: 'prompt',
		type: 'string',
		default: '',
		documentedDefault: false,
		description: 'The text description of the scene, subject, or action to generate in the video',
		placeholder: 'e.g. A red vintage car drives along the coast road',
		placement: 'main',
		schema: 'current',
	},
	{
		displayName: 'Video',
		apiName: 'video_url',
		name: 'video',
		type: 'media',
		mediaKind: 'video',
		default: '',
		documentedDefault: false,
		description:
			'The source video to inpaint: an https URL or a data: URI holding a video, or a binary property of the input item',
		placeholder: 'https://example.com/source.mp4',
		placement: 'main',
		schema: 'current',
	},
	{
		displayName: 'Mask Video',
		apiName: 'mask_video_url',
		name: 'maskVideo',
		type: 'media',
		mediaKind: 'video',
		default: '',
		documentedDefault: false,
		description: 'The mask video: white marks the area to regenerate, black the area to keep',
		placeholder: 'https://example.com/mask.mp4',
		placement: 'main',
		schema: 'current',
	},
	{
		displayName: 'Mask Image',
		apiName: 'mask_image_url',
		name: 'maskImage',
		type: 'media',
		mediaKind: 'image',
		default: '',
		documentedDefault: false,
		description:
			'A guiding mask image: the model tracks the masked object through the video (salient mask tracking). Ignored when a mask video is given.' +
			SEED_ERA_NOTE,
		placeholder: 'https://example.com/mask.png',
		placement: 'main',
		schema: 'seed',
	},
	{
		displayName: 'Negative Prompt',
		apiName: 'negative_prompt',
		name: 'negativePrompt',
		type: 'string',
		default: DEFAULT_NEGATIVE_PROMPT,
		documentedDefault: true,
		description: 'The description of elements to avoid in the generated video',
		placeholder: 'e.g. blurry, watermark, text',
		placement: 'options',
		schema: 'current',
	},
	{
		displayName: 'Match Input Number of Frames',
		apiName: 'match_input_num_frames',
		name: 'matchInputNumFrames',
		type: 'boolean',
		default: false,
		documentedDefault: false,
		description: "Whether to generate as many frames as the input video has (instead of 'Number of Frames')",
		placement: 'options',
		schema: 'current',
	},
	{
		displayName: 'Number of Frames',
		apiName: 'num_frames',
		name: 'numFrames',
		type: 'integer',
		default: 81,
		documentedDefault: true,
		minValue: 17,
		maxValue: 241,
		rangeSource: 'schema',
		description: 'Number of frames to generate (17-241)',
		placeholder: '81',
		placement: 'options',
		schema: 'current',
	},
	{
		displayName: 'Match Input Frames Per Second',
		apiName: 'match_input_frames_per_second',
		name: 'matchInputFramesPerSecond',
		type: 'boolean',
		default: false,
		documentedDefault: false,
		description: "Whether to match the input video's frames per second (FPS)",
		placement: 'options',
		schema: 'current',
	},
	{
		displayName: 'Frames Per Second',
		apiName: 'frames_per_second',
		name: 'framesPerSecond',
		type: 'integer',
		default: 16,
		documentedDefault: true,
		minValue: 5,
		maxValue: 30,
		rangeSource: 'schema',
		description: 'Frames per second of the generated video (5-30)',
		placeholder: '16',
		placement: 'options',
		schema: 'current',
	},
	{
		displayName: 'Seed',
		apiName: 'seed',
		name: 'seed',
		type: 'integer',
		default: 0,
		documentedDefault: false,
		minValue: 0,
		maxValue: SEED_MAX,
		rangeSource: 'node',
		description:
			'Varying the seed integer is a way to get different results for the same other request parameters. Using the same value for an identical request will produce similar results. If unspecified, a random number is chosen.' +
			SEED_ERA_NOTE,
		placeholder: '42',
		placement: 'options',
		schema: 'seed',
	},
	{
		displayName: 'Resolution',
		apiName: 'resolution',
		name: 'resolution',
		type: 'options',
		options: enumOptions(['480p', '580p', '720p']),
		default: '480p',
		documentedDefault: true,
		description: 'The resolution of the output video, where the number refers to the short side in pixels',
		placement: 'options',
		schema: 'current',
	},
	{
		displayName: 'Aspect Ratio',
		apiName: 'aspect_ratio',
		name: 'aspectRatio',
		type: 'options',
		options: enumOptions(['auto', '16:9', '1:1', '9:16'], {
			auto: 'Auto',
			'16:9': '16:9 (Landscape)',
			'1:1': '1:1 (Square)',
			'9:16': '9:16 (Portrait)',
		}),
		default: 'auto',
		documentedDefault: true,
		description: 'The aspect ratio of the generated video',
		placement: 'options',
		schema: 'current',
	},
	{
		displayName: 'Number of Inference Steps',
		apiName: 'num_inference_steps',
		name: 'numInferenceSteps',
		type: 'integer',
		default: 30,
		documentedDefault: true,
		minValue: 1,
		rangeSource: 'node',
		description:
			'Number of inference steps for sampling. Higher values give better quality but take longer.',
		placeholder: '30',
		placement: 'options',
		schema: 'current',
	},
	{
		displayName: 'Guidance Scale',
		apiName: 'guidance_scale',
		name: 'guidanceScale',
		type: 'number',
		default: 5,
		documentedDefault: true,
		minValue: 0,
		rangeSource: 'node',
		description: 'Classifier-free guidance scale. Controls prompt adherence / creativity.',
		placeholder: '5',
		placement: 'options',
		schema: 'current',
	},
	{
		displayName: 'Shift',
		apiName: 'shift',
		name: 'shift',
		type: 'number',
		default: 5,
		documentedDefault: true,
		minValue: 0,
		rangeSource: 'node',
		description: 'Noise schedule shift parameter. Affects temporal dynamics.',
		placeholder: '5',
		placement: 'options',
		schema: 'current',
	},
	{
		displayName: 'Reference Images',
		apiName: 'image_list',
		name: 'imageList',
		type: 'mediaList',
		mediaKind: 'image',
		default: '',
		documentedDefault: false,
		minValue: 2,
		maxValue: 4,
		rangeSource: 'seed',
		description: 'Reference images (2-4) for multi-image-to-video generation',
		placement: 'options',
		schema: 'current',
	},
	{
		displayName: 'First Frame Image',
		apiName: 'image_url',
		name: 'firstFrameImage',
		type: 'media',
		mediaKind: 'image',
		default: '',
		documentedDefault: false,
		description: 'Image to be used as the first frame of the video.' + SEED_ERA_NOTE,
		placeholder: 'https://example.com/first-frame.png',
		placement: 'options',
		schema: 'seed',
	},
	{
		displayName: 'Last Frame Image',
		apiName: 'last_image_url',
		name: 'lastFrameImage',
		type: 'media',
		mediaKind: 'image',
		default: '',
		documentedDefault: false,
		description:
			'A direct link to an online image or a Base64-encoded local image to be used as the last frame of the video.' +
			SEED_ERA_NOTE,
		placeholder: 'https://example.com/last-frame.png',
		placement: 'options',
		schema: 'seed',
	},
	{
		displayName: 'Enable Safety Checker',
		apiName: 'enable_safety_checker',
		name: 'enableSafetyChecker',
		type: 'boolean',
		default: false,
		documentedDefault: false,
		description: 'Whether the safety checker is enabled',
		placement: 'options',
		schema: 'current',
	},
	{
		displayName: 'Enable Prompt Expansion',
		apiName: 'enable_prompt_expansion',
		name: 'enablePromptExpansion',
		type: 'boolean',
		default: false,
		documentedDefault: false,
		description: 'Whether to enable prompt expansion',
		placement: 'options',
		schema: 'current',
	},
	{
		displayName: 'Preprocess',
		apiName: 'preprocess',
		name: 'preprocess',
		type: 'boolean',
		default: false,
		documentedDefault: false,
		description: 'Whether to preprocess the input video',
		placement: 'options',
		schema: 'current',
	},
	{
		displayName: 'Acceleration',
		apiName: 'acceleration',
		name: 'acceleration',
		type: 'options',
		options: enumOptions(['none', 'regular'], { none: 'None', regular: 'Regular' }),
		default: 'regular',
		documentedDefault: true,
		description: 'Acceleration to use for inference',
		placement: 'options',
		schema: 'current',
	},
	{
		displayName: 'Video Quality',
		apiName: 'video_quality',
		name: 'videoQuality',
		type: 'options',
		options: enumOptions(['low', 'medium', 'high', 'maximum'], {
			low: 'Low',
			medium: 'Medium',
			high: 'High',
			maximum: 'Maximum',
		}),
		default: 'high',
		documentedDefault: true,
		description: 'The quality of the generated video',
		placement: 'options',
		schema: 'current',
	},
	{
		displayName: 'Video Write Mode',
		apiName: 'video_write_mode',
		name: 'videoWriteMode',
		type: 'options',
		options: enumOptions(['fast', 'balanced', 'small'], {
			fast: 'Fast',
			balanced: 'Balanced',
			small: 'Small',
		}),
		default: 'balanced',
		documentedDefault: true,
		description: 'The method used to write the video',
		placement: 'options',
		schema: 'current',
	},
	{
		displayName: 'Number of Interpolated Frames',
		apiName: 'num_interpolated_frames',
		name: 'numInterpolatedFrames',
		type: 'integer',
		default: 0,
		documentedDefault: false,
		minValue: 0,
		rangeSource: 'node',
		description: 'Number of frames to interpolate between the original frames',
		placeholder: '0',
		placement: 'options',
		schema: 'current',
	},
	{
		displayName: 'Temporal Downsample Factor',
		apiName: 'temporal_downsample_factor',
		name: 'temporalDownsampleFactor',
		type: 'integer',
		default: 0,
		documentedDefault: false,
		minValue: 0,
		rangeSource: 'node',
		description: 'Temporal downsample factor for the video',
		placeholder: '0',
		placement: 'options',
		schema: 'current',
	},
	{
		displayName: 'Enable Auto Downsample',
		apiName: 'enable_auto_downsample',
		name: 'enableAutoDownsample',
		type: 'boolean',
		default: false,
		documentedDefault: false,
		description:
			"Whether to downsample the video automatically (the reference's text for this flag repeats the one of 'Auto Downsample Min FPS')",
		placement: 'options',
		schema: 'current',
	},
	{
		displayName: 'Auto Downsample Min FPS',
		apiName: 'auto_downsample_min_fps',
		name: 'autoDownsampleMinFps',
		type: 'number',
		default: 15,
		documentedDefault: true,
		minValue: 0,
		rangeSource: 'node',
		description: 'The minimum frames per second to downsample the video to',
		placeholder: '15',
		placement: 'options',
		schema: 'current',
	},
	{
		displayName: 'Interpolator Model',
		apiName: 'interpolator_model',
		name: 'interpolatorModel',
		type: 'options',
		options: enumOptions(['rife', 'film'], { rife: 'RIFE', film: 'FILM' }),
		default: 'film',
		documentedDefault: true,
		description: 'The model to use for interpolation',
		placement: 'options',
		schema: 'current',
	},
	{
		displayName: 'Sync Mode',
		apiName: 'sync_mode',
		name: 'syncMode',
		type: 'boolean',
		default: false,
		documentedDefault: false,
		description:
			'Whether to use the synchronization mode for audio and video. The schema types it as a boolean although its text speaks of "loose or tight".',
		placement: 'options',
		schema: 'current',
	},
];

export const OPTION_PARAMETERS = API_PARAMETERS.filter((p) => p.placement === 'options');

export function apiParameter(apiName: string): ApiParameter {
	const parameter = API_PARAMETERS.find((p) => p.apiName === apiName);
	if (!parameter) throw new Error(`Unknown API parameter ${apiName}`);
	return parameter;
}
