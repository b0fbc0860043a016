import type { INodeParameters } from 'n8n-workflow';

import type { InputItem } from '../../harness/engine';
import { FRAME_PNG, SAMPLE_VIDEO, generateParameters } from '../../harness/fixtures';
import type { FaultRule } from '../../simulator';

/** Shared by the bad-input, fault and security suites. */

const PNG_BASE64 = FRAME_PNG.toString('base64');
const ELEVEN_MB_IMAGE = `data:image/png;base64,${Buffer.alloc(11 * 1024 * 1024, 1).toString('base64')}`;
const BIG_VIDEO = Buffer.alloc(51 * 1024 * 1024, 1);
const BIG_IMAGE = Buffer.alloc(11 * 1024 * 1024, 1);

const withBinary = (binary: InputItem['binary']): InputItem[] => [{ json: {}, binary }];
const option = (options: INodeParameters) => generateParameters({ options });
const images = (count: number) => ({
	imageList: { images: Array.from({ length: count }, (_, i) => ({ source: 'url', url: `https://media.example.com/${i}.png` })) },
});
const getById = (generationId: unknown): INodeParameters => ({ operation: 'get', generationId: generationId as string });

export interface BadInput {
	name: string;
	parameters: INodeParameters;
	items?: InputItem[];
	/** Substrings the error message must contain. */
	message: string[];
	/** Substring of the description (the fix). */
	fix?: string;
	baseUrl?: string;
}

export const BAD_INPUTS: BadInput[] = [
	{ name: 'empty prompt from an expression', parameters: generateParameters({ prompt: '={{ $json.caption }}' }), items: [{ json: { caption: '' } }], message: ['Prompt (prompt) is empty'], fix: 'Describe the scene' },
	{ name: 'blank prompt', parameters: generateParameters({ prompt: '   ' }), message: ['Prompt (prompt) is empty'] },
	{ name: 'missing video URL (expression)', parameters: generateParameters({ videoUrl: '={{ $json.video }}' }), message: ['Video URL (video_url) is empty'], fix: 'Binary File' },
	{ name: 'missing mask (mask video, expression)', parameters: generateParameters({ maskUrl: '={{ $json.mask }}' }), message: ['Mask URL (mask_video_url) is empty'] },
	{ name: 'missing mask (mask image, expression)', parameters: generateParameters({ maskType: 'image', maskUrl: '={{ "" }}' }), message: ['Mask URL (mask_image_url) is empty'] },
	{ name: 'video URL that is not a URL', parameters: generateParameters({ videoUrl: 'my video' }), message: ['Video URL (video_url) must be an http(s) URL or a data: URI', '"my video"'] },
	{ name: 'video URL without scheme', parameters: generateParameters({ videoUrl: 'media.example.com/a.mp4' }), message: ['must be an http(s) URL'] },
	{ name: 'ftp: video URL', parameters: generateParameters({ videoUrl: 'ftp://media.example.com/a.mp4' }), message: ['ftp: is not supported'] },
	{ name: 'file: video URL', parameters: generateParameters({ videoUrl: 'file:///etc/passwd' }), message: ['file: is not supported'] },
	{ name: 'javascript: video URL', parameters: generateParameters({ videoUrl: 'javascript:alert(1)' }), message: ['javascript: is not supported'] },
	{ name: 'ftp: mask URL', parameters: generateParameters({ maskUrl: 'ftp://media.example.com/m.mp4' }), message: ['Mask URL (mask_video_url)', 'ftp: is not supported'] },
	{ name: 'file: first frame URL', parameters: option({ firstFrameImageUrl: 'file:///tmp/a.png' }), message: ['Options > First Frame Image', 'file: is not supported'] },
	{ name: 'image data: URI as the video', parameters: generateParameters({ videoUrl: `data:image/png;base64,${PNG_BASE64}` }), message: ['must hold a video', 'image/png'] },
	{ name: 'video data: URI as the mask image', parameters: generateParameters({ maskType: 'image', maskUrl: `data:video/mp4;base64,${SAMPLE_VIDEO.toString('base64')}` }), message: ['must hold an image', 'video/mp4'] },
	{ name: 'text data: URI as the video', parameters: generateParameters({ videoUrl: 'data:text/plain;base64,aGVsbG8=' }), message: ['must hold a video', 'text/plain'] },
	{ name: 'data: URI without base64', parameters: generateParameters({ videoUrl: 'data:video/mp4,raw-bytes' }), message: ['not a valid base64 data: URI'] },
	{ name: 'data: URI with broken base64', parameters: generateParameters({ videoUrl: 'data:video/mp4;base64,@@@not base64@@@' }), message: ['payload is not valid base64'] },
	{ name: 'oversize base64 image (11 MB, limit 10 MB)', parameters: option({ lastFrameImageUrl: ELEVEN_MB_IMAGE }), message: ['too large to send inline', '11.0 MB', 'limit 10.0 MB'], fix: 'pass its URL' },
	{ name: 'oversize binary video (51 MB, limit 50 MB)', parameters: generateParameters({ videoSource: 'binary' }), items: withBinary({ data: { data: BIG_VIDEO, mimeType: 'video/mp4', fileName: 'big.mp4' } }), message: ['too large to send inline', '51.0 MB', 'limit 50.0 MB'] },
	{ name: 'oversize binary image (11 MB)', parameters: option({ firstFrameImageBinaryProperty: 'frame' }), items: withBinary({ frame: { data: BIG_IMAGE, mimeType: 'image/png', fileName: 'big.png' } }), message: ['First Frame Image', 'too large'] },
	{ name: 'missing binary property (video)', parameters: generateParameters({ videoSource: 'binary', videoBinaryProperty: 'clip' }), items: withBinary({ data: { data: SAMPLE_VIDEO, mimeType: 'video/mp4' } }), message: ['has no binary property "clip"'], fix: 'Binary properties on this item: data' },
	{ name: 'missing binary property (mask), item without binary', parameters: generateParameters({ maskSource: 'binary' }), message: ['has no binary property "mask"'], fix: 'carries no binary data' },
	{ name: 'binary of the wrong type for the video', parameters: generateParameters({ videoSource: 'binary' }), items: withBinary({ data: { data: FRAME_PNG, mimeType: 'image/png', fileName: 'a.png' } }), message: ['holds image/png, not a video'] },
	{ name: 'empty binary property name', parameters: generateParameters({ videoSource: 'binary', videoBinaryProperty: ' ' }), message: ['binary property name is empty'] },
	{ name: 'one reference image', parameters: option(images(1)), message: ['Reference Images (image_list) needs 2 to 4 images, got 1'] },
	{ name: 'five reference images', parameters: option(images(5)), message: ['needs 2 to 4 images, got 5'] },
	{ name: 'reference image with a bad URL', parameters: option({ imageList: { images: [{ source: 'url', url: 'https://media.example.com/a.png' }, { source: 'url', url: 'gopher://x' }] } }), message: ['Reference Images #2', 'gopher: is not supported'] },
	{ name: 'num_frames below 17', parameters: option({ numFrames: 16 }), message: ['Options > Number of Frames (num_frames) must be a whole number from 17 to 241, got 16'] },
	{ name: 'num_frames above 241', parameters: option({ numFrames: 242 }), message: ['from 17 to 241, got 242'] },
	{ name: 'non-integer num_frames', parameters: option({ numFrames: 80.5 }), message: ['num_frames) must be a whole number, got 80.5'] },
	{ name: 'frames_per_second below 5', parameters: option({ framesPerSecond: 4 }), message: ['frames_per_second) must be a whole number from 5 to 30, got 4'] },
	{ name: 'frames_per_second above 30', parameters: option({ framesPerSecond: 31 }), message: ['got 31'] },
	{ name: 'zero inference steps', parameters: option({ numInferenceSteps: 0 }), message: ['num_inference_steps) must be a whole number of at least 1, got 0'] },
	{ name: 'guidance scale that is not a number', parameters: option({ guidanceScale: 'strong' }), message: ['guidance_scale) must be a number of at least 0, got "strong"'] },
	{ name: 'negative shift', parameters: option({ shift: -1 }), message: ['shift) must be a number of at least 0, got -1'] },
	{ name: 'negative interpolated frames', parameters: option({ numInterpolatedFrames: -1 }), message: ['num_interpolated_frames'] },
	{ name: 'non-integer temporal downsample factor', parameters: option({ temporalDownsampleFactor: 1.5 }), message: ['temporal_downsample_factor) must be a whole number'] },
	{ name: 'negative auto downsample min FPS', parameters: option({ autoDownsampleMinFps: -5 }), message: ['auto_downsample_min_fps'] },
	{ name: 'seed below 0', parameters: option({ seed: -1 }), message: ['Seed (seed) must be a whole number from 0 to 4294967295, got -1'] },
	{ name: 'seed above 2^32-1', parameters: option({ seed: 4294967296 }), message: ['got 4294967296'] },
	{ name: 'non-integer seed', parameters: option({ seed: 1.5 }), message: ['Seed (seed) must be a whole number, got 1.5'] },
	{ name: 'resolution "auto" from an expression (seed-era value)', parameters: option({ resolution: '={{ "auto" }}' }), message: ['Resolution (resolution) must be one of 480p, 580p, 720p, got "auto"'] },
	{ name: 'unknown aspect ratio', parameters: option({ aspectRatio: '={{ "4:3" }}' }), message: ['aspect_ratio) must be one of auto, 16:9, 1:1, 9:16, got "4:3"'] },
	{ name: 'unknown acceleration', parameters: option({ acceleration: 'fast' }), message: ['acceleration) must be one of none, regular'] },
	{ name: 'unknown video quality', parameters: option({ videoQuality: 'ultra' }), message: ['video_quality) must be one of low, medium, high, maximum'] },
	{ name: 'unknown write mode', parameters: option({ videoWriteMode: 'tiny' }), message: ['video_write_mode) must be one of fast, balanced, small'] },
	{ name: 'unknown interpolator', parameters: option({ interpolatorModel: 'dain' }), message: ['interpolator_model) must be one of rife, film'] },
	{ name: 'boolean option that is not a boolean', parameters: option({ enableSafetyChecker: 'yes' }), message: ['enable_safety_checker) must be true or false, got "yes"'] },
	{ name: 'first frame given twice', parameters: option({ firstFrameImageUrl: 'https://media.example.com/a.png', firstFrameImageBinaryProperty: 'data' }), message: ['First Frame Image is set twice'] },
	{ name: 'empty last frame URL', parameters: option({ lastFrameImageUrl: '' }), message: ['Options > Last Frame Image is empty'] },
	{ name: 'Get: empty generation ID (expression)', parameters: getById('={{ $json.id }}'), items: [{ json: { id: ' ' } }], message: ['Generation ID is empty'], fix: 'Submit output' },
	{ name: 'Get: ID with ../', parameters: getById('../../v1/billing/balance'), message: ['contains a ./ or ../ path segment'] },
	{ name: 'Get: ID with ?', parameters: getById('abc?generation_id=other'), message: ['contains one of ? # & % \\'] },
	{ name: 'Get: ID with #', parameters: getById('abc#fragment'), message: ['contains one of ? # & % \\'] },
	{ name: 'Get: ID with percent-encoding', parameters: getById('%2e%2e%2fabc'), message: ['contains one of ? # & % \\'] },
	{ name: 'Get: ID with white space', parameters: getById('abc def'), message: ['contains white space'] },
	{ name: 'Get: ID that is far too long', parameters: getById('a'.repeat(300)), message: ['Generation ID is too long (300 characters'] },
	{ name: 'Run option: poll interval 0', parameters: generateParameters({ runOptions: { pollIntervalSeconds: 0 } }), message: ['Run Options > Poll Interval (Seconds) must be a number from 0.5 to 600, got 0'] },
	{ name: 'Run option: no concurrency', parameters: generateParameters({ runOptions: { maxConcurrentRequests: 0 } }), message: ['Max Concurrent Requests must be a number from 1 to 100'] },
	{ name: 'credential Base URL with ftp:', parameters: generateParameters(), baseUrl: 'ftp://api.aimlapi.com', message: ['Base URL of the AI/ML API credential is not a valid http(s) URL'] },
	{ name: 'credential Base URL that is not a URL', parameters: generateParameters(), baseUrl: 'api dot aimlapi', message: ['not a valid http(s) URL'] },
];

const often = { probability: 0.3 };

/** Faults every item recovers from. */
export const TRANSIENT_FAULTS: Array<[string, FaultRule[]]> = [
	['poll: connection reset', [{ route: 'poll', kind: 'reset', ...often }]],
	['poll: hang past the request timeout', [{ route: 'poll', kind: 'hang', probability: 0.1 }]],
	['poll: 429 with Retry-After', [{ route: 'poll', kind: 'status', status: 429, retryAfter: 1, ...often }]],
	['poll: 429 without Retry-After', [{ route: 'poll', kind: 'status', status: 429, ...often }]],
	['poll: 500', [{ route: 'poll', kind: 'status', status: 500, ...often }]],
	['poll: 502', [{ route: 'poll', kind: 'status', status: 502, ...often }]],
	['poll: 503', [{ route: 'poll', kind: 'status', status: 503, ...often }]],
	['poll: 504', [{ route: 'poll', kind: 'status', status: 504, ...often }]],
	['poll: 200 that is not JSON', [{ route: 'poll', kind: 'badJson', ...often }]],
	['poll: 200 without fields', [{ route: 'poll', kind: 'missingFields', ...often }]],
	['submit: 429 with Retry-After', [{ route: 'submit', kind: 'status', status: 429, retryAfter: 1, ...often }]],
	['submit: 429 without Retry-After', [{ route: 'submit', kind: 'status', status: 429, ...often }]],
	['submit: 503', [{ route: 'submit', kind: 'status', status: 503, ...often }]],
	['submit: connection reset before the API took it', [{ route: 'submit', kind: 'reset', accepted: false, probability: 0.1 }]],
	['download: connection reset', [{ route: 'download', kind: 'reset', probability: 0.2 }]],
	['download: cut mid-stream', [{ route: 'download', kind: 'downloadCut', probability: 0.2 }]],
];

/** Faults that end the items they hit; the API issued an ID for each of them. */
export const ITEM_ENDING_FAULTS: Array<[string, FaultRule[]]> = [
	['job fails with {name, message}', [{ route: 'poll', kind: 'jobError', ...often }]],
	['job fails with detail[]', [{ route: 'poll', kind: 'jobErrorDetail', ...often }]],
	['job completes without a video', [{ route: 'poll', kind: 'completedNoVideo', ...often }]],
	['result URL answers 404', [{ route: 'download', kind: 'status', status: 404, match: (request) => Number(String(request.body?.prompt).replace('clip ', '')) % 10 === 0 }]],
];

/** Submission faults after which the API may or may not have created a generation. */
export const AMBIGUOUS_SUBMIT_FAULTS: Array<[string, FaultRule]> = [
	['submit: 500', { route: 'submit', kind: 'status', status: 500, ...often }],
	['submit: 502', { route: 'submit', kind: 'status', status: 502, ...often }],
	['submit: 504', { route: 'submit', kind: 'status', status: 504, ...often }],
	['submit: connection reset after the API took it', { route: 'submit', kind: 'reset', ...often }],
	['submit: hang past the request timeout', { route: 'submit', kind: 'hang', probability: 0.1 }],
	['submit: 200 that is not JSON', { route: 'submit', kind: 'badJson', ...often }],
	['submit: 200 without an ID', { route: 'submit', kind: 'missingFields', ...often }],
];

const rare = { probability: 0.04 };

/** Everything at once, for the mixed run. */
export const MIXED_FAULTS: FaultRule[] = [
	{ route: 'submit', kind: 'status', status: 429, retryAfter: 1, ...rare },
	{ route: 'submit', kind: 'status', status: 503, ...rare },
	{ route: 'submit', kind: 'status', status: 500, ...rare },
	{ route: 'submit', kind: 'reset', ...rare },
	{ route: 'submit', kind: 'missingFields', probability: 0.02 },
	{ route: 'poll', kind: 'reset', ...rare },
	{ route: 'poll', kind: 'hang', probability: 0.02 },
	{ route: 'poll', kind: 'status', status: 429, ...rare },
	{ route: 'poll', kind: 'status', status: 502, ...rare },
	{ route: 'poll', kind: 'status', status: 504, ...rare },
	{ route: 'poll', kind: 'badJson', ...rare },
	{ route: 'poll', kind: 'missingFields', ...rare },
	{ route: 'poll', kind: 'jobError', ...rare },
	{ route: 'poll', kind: 'jobErrorDetail', ...rare },
	{ route: 'poll', kind: 'completedNoVideo', ...rare },
	{ route: 'download', kind: 'downloadCut', ...rare },
	{ route: 'download', kind: 'reset', ...rare },
];
