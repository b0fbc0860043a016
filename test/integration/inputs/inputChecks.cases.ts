import type { INodeParameters } from 'n8n-workflow';

import type { InputItem } from '../../harness/engine';
import { FRAME_PNG, SAMPLE_VIDEO, checkedParameters } from '../../harness/fixtures';
import type { Simulator } from '../../simulator';
import { fs, path } from '../../support/node';
import { MEDIA_DIR } from '../../simulator';

/** Inputs the checks refuse, each with the message and fix it must give. Built per simulator (its port is in the URLs). */
export interface RefusedInput {
	name: string;
	parameters: (sim: Simulator) => INodeParameters;
	items?: InputItem[];
	message: string[];
	fix: string;
}

const fixture = (name: string) => fs.readFileSync(path.join(MEDIA_DIR, name));
const dataUri = (mime: string, bytes: Buffer) => `data:${mime};base64,${bytes.toString('base64')}`;
const video = (name: string, runOptions: INodeParameters = {}) => (sim: Simulator) => checkedParameters(sim, { videoUrl: sim.inputUrl(name), runOptions });
const mask = (name: string) => (sim: Simulator) => checkedParameters(sim, { maskUrl: sim.inputUrl(name) });
const options = (build: (sim: Simulator) => INodeParameters) => (sim: Simulator) => checkedParameters(sim, { options: build(sim) });
const binaryVideo = (data: Buffer, mimeType: string): Pick<RefusedInput, 'parameters' | 'items'> => ({
	parameters: (sim) => checkedParameters(sim, { videoSource: 'binary', videoBinaryProperty: 'data' }),
	items: [{ json: {}, binary: { data: { data, mimeType, fileName: 'clip.mp4' } } }],
});
const SLOW = { requestTimeoutSeconds: 1 };

const NOT_PUBLIC = 'Share it publicly or use a presigned URL';
const CHECK_INPUTS_OFF = 'turn off Run Options > Check Inputs';
const DIRECT_LINK = 'Use the direct link to the file itself';
const VIDEO_FIX = 'Point this field at a video file';
const IMAGE_FIX = 'Point this field at an image file';
const BROKEN_FIX = 'The file is damaged or incomplete';

export const REFUSED_INPUTS: RefusedInput[] = [
	{ name: 'share page (HTML) instead of the video', parameters: video('share-page'), message: ['Video URL (video_url) is a web page (HTML), not a media file'], fix: DIRECT_LINK },
	{ name: 'HTML bytes served as application/octet-stream', parameters: video('share-page-untyped'), message: ['Video URL (video_url) is a web page'], fix: DIRECT_LINK },
	{ name: 'redirect to a login page', parameters: video('redirect-login'), message: ['Video URL (video_url) is a web page'], fix: 'asks you to sign in' },
	{ name: 'HTTP 401', parameters: video('status/401'), message: ['Video URL (video_url) is not public (HTTP 401)'], fix: NOT_PUBLIC },
	{ name: 'HTTP 403 (a private S3 object)', parameters: video('status/403'), message: ['Video URL (video_url) is not public (HTTP 403)'], fix: NOT_PUBLIC },
	{ name: 'HTTP 404', parameters: video('status/404'), message: ['Video URL (video_url) was not found (HTTP 404)'], fix: 'may have expired' },
	{ name: 'HTTP 410', parameters: video('status/410'), message: ['Video URL (video_url) was not found (HTTP 410)'], fix: 'may have expired' },
	{ name: 'HTTP 500', parameters: video('status/500'), message: ['Video URL (video_url) could not be read: the host answered HTTP 500'], fix: 'try again later' },
	{ name: 'slow host past the timeout', parameters: video('sample.mp4?delayMs=4000', SLOW), message: ['Video URL (video_url) did not answer in time', 'within 1 s'], fix: CHECK_INPUTS_OFF },
	{ name: 'body that stalls past the timeout', parameters: video('sample.mp4?stallMs=4000', SLOW), message: ['Video URL (video_url) did not answer in time'], fix: 'Request Timeout' },
	{ name: 'connection refused', parameters: (sim) => checkedParameters(sim, { videoUrl: 'http://127.0.0.1:1/clip.mp4' }), message: ['Video URL (video_url) could not be reached from n8n: the connection was refused'], fix: '(ECONNREFUSED). Check the URL. If the file is on a host that only AI/ML API can reach' },
	{ name: 'connection reset', parameters: video('reset'), message: ['Video URL (video_url) could not be reached from n8n: the connection was closed unexpectedly'], fix: CHECK_INPUTS_OFF },
	{ name: 'PNG where the video belongs', parameters: video('frame.png'), message: ['Video URL (video_url) holds an image (PNG, 64x64), not a video'], fix: VIDEO_FIX },
	{ name: 'PNG renamed .mp4, served as video/mp4', parameters: video('frame.png?type=video/mp4'), message: ['holds an image (PNG, 64x64), not a video, although its server calls it video/mp4'], fix: VIDEO_FIX },
	{ name: 'JPEG where the video belongs', parameters: video('frame.jpg'), message: ['Video URL (video_url) holds an image (JPEG, 64x64), not a video'], fix: VIDEO_FIX },
	{ name: 'WebP as the mask video', parameters: mask('frame.webp'), message: ['Mask URL (mask_video_url) holds an image (WEBP, 64x64), not a video'], fix: VIDEO_FIX },
	{ name: 'MP4 as the mask image', parameters: (sim) => checkedParameters(sim, { maskType: 'image', maskUrl: sim.inputUrl('mask.mp4') }), message: ['Mask URL (mask_image_url) holds a video (MP4, 64x64), not an image'], fix: IMAGE_FIX },
	{ name: 'MP4 as the first frame image', parameters: options((sim) => ({ firstFrameImageUrl: sim.inputUrl('sample.mp4') })), message: ['Options > First Frame Image holds a video (MP4, 64x64), not an image'], fix: IMAGE_FIX },
	{ name: 'WebM as reference image #2', parameters: options((sim) => ({ imageList: { images: [{ source: 'url', url: sim.inputUrl('frame.png') }, { source: 'url', url: sim.inputUrl('sample.webm') }] } })), message: ['Options > Reference Images #2 holds a video (WEBM, 64x64), not an image'], fix: IMAGE_FIX },
	{ name: 'last frame image not found', parameters: options((sim) => ({ lastFrameImageUrl: sim.inputUrl('status/404') })), message: ['Options > Last Frame Image was not found (HTTP 404)'], fix: 'may have expired' },
	{ name: 'private mask next to a good video', parameters: mask('status/403'), message: ['Mask URL (mask_video_url) is not public (HTTP 403)'], fix: NOT_PUBLIC },
	{ name: 'MP4 cut short before its moov', parameters: video('truncated.mp4'), message: ['Video URL (video_url) claims to be MP4 but its header cannot be read', 'cut short'], fix: BROKEN_FIX },
	{ name: 'MP4 with no video track', parameters: video('audio-only.mp4'), message: ['Video URL (video_url) is not a usable video: it has no video track (only audio)'], fix: 'Pass a file with a video track' },
	{ name: 'empty file', parameters: video('empty.mp4'), message: ['Video URL (video_url) is an empty file (0 bytes)'], fix: 'Upload the file again' },
	{ name: 'text message instead of the file', parameters: video('expired'), message: ['Video URL (video_url) is a text document (text/plain), not a media file', 'Request has expired'], fix: 'freshly presigned' },
	{ name: 'unknown bytes without a media type', parameters: video('random.bin'), message: ['Video URL (video_url) is not a video file this node recognises'], fix: CHECK_INPUTS_OFF },
	{ name: 'unknown bytes the server calls an image', parameters: video('random.bin?type=image/png'), message: ['Video URL (video_url) holds an image (the server calls it image/png), not a video'], fix: VIDEO_FIX },
	{ name: 'data: URI holding a PNG labelled video/mp4', parameters: (sim) => checkedParameters(sim, { videoUrl: dataUri('video/mp4', FRAME_PNG) }), message: ['Video URL (video_url) holds an image (PNG, 64x64), not a video, although its server calls it video/mp4'], fix: VIDEO_FIX },
	{ name: 'data: URI holding a web page', parameters: (sim) => checkedParameters(sim, { videoUrl: dataUri('video/mp4', Buffer.from('<!doctype html><html><body>Sign in</body></html>')) }), message: ['Video URL (video_url) is a web page'], fix: 'Pass the file itself' },
	{ name: 'binary PNG declared video/mp4', ...binaryVideo(FRAME_PNG, 'video/mp4'), message: ['Video Binary Property (video_url) holds an image (PNG, 64x64), not a video'], fix: VIDEO_FIX },
	{ name: 'binary MP4 cut short', ...binaryVideo(fixture('truncated.mp4'), 'video/mp4'), message: ['Video Binary Property (video_url) claims to be MP4 but its header cannot be read'], fix: BROKEN_FIX },
	{ name: 'binary MP4 cut inside its moov', ...binaryVideo(SAMPLE_VIDEO.subarray(0, 500), 'video/mp4'), message: ['Video Binary Property (video_url) claims to be MP4', 'the file ends inside its moov box'], fix: BROKEN_FIX },
];
