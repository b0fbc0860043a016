/**
 * A mask sent inline (a `data:` URI) is probed with ffprobe, and so is the source video, so that
 * tests can assert the mask has the source's size, frame count and frame rate. The figures go on
 * the generation record (`record.maskProbe`); the API's answer is not changed (its docs describe
 * no error for a mismatched mask).
 */
import { ffprobe } from '../support/ffmpeg';
import { INPUTS_PREFIX, fixture } from './inputHost';
import type { JsonObject, MaskProbe, ProbedMedia } from './types';

const MASK_FIELDS = ['mask_video_url', 'mask_image_url'] as const;

function dataUriBytes(value: string): { contentType: string; bytes: Buffer } | undefined {
	const match = /^data:([^;,]*)(?:;[^,]*)?;base64,/i.exec(value);
	return match ? { contentType: match[1].toLowerCase(), bytes: Buffer.from(value.slice(match[0].length), 'base64') } : undefined;
}

/** The bytes of the source video: a data: URI, or a fixture served by the input host. */
function sourceBytes(value: string): Buffer | undefined {
	const inline = dataUriBytes(value);
	if (inline) return inline.bytes;
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return undefined;
	}
	return url.pathname.startsWith(INPUTS_PREFIX) ? fixture(url.pathname.slice(INPUTS_PREFIX.length)) : undefined;
}

/** Width, height, decoded frame count and frame rate of a video or image, as ffprobe reads them. */
export function probeWithFfprobe(bytes: Buffer, image: boolean): ProbedMedia {
	const probed = ffprobe(bytes, image ? 'png' : 'mp4');
	const stream = probed.streams.find((entry) => entry.codec_type === 'video') ?? probed.streams[0];
	if (!stream) throw new Error('ffprobe found no stream');
	const rate = String(stream.r_frame_rate ?? '0/1');
	const [num, den] = rate.split('/').map(Number);
	return {
		codec: String(stream.codec_name ?? ''),
		width: Number(stream.width),
		height: Number(stream.height),
		frames: Number(stream.nb_read_frames ?? stream.nb_frames ?? 1),
		frameRate: rate,
		framesPerSecond: den ? num / den : 0,
	};
}

function safeProbe(bytes: Buffer | undefined, image: boolean): ProbedMedia | { error: string } {
	if (!bytes) return { error: 'not a data: URI or an input host fixture' };
	try {
		return probeWithFfprobe(bytes, image);
	} catch (error) {
		return { error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
	}
}

/** The probe of an inline mask and of its source; undefined when the mask is not inline. */
export function probeInlineMask(body: JsonObject): MaskProbe | undefined {
	const field = MASK_FIELDS.find((name) => typeof body[name] === 'string' && /^data:/i.test(body[name] as string));
	if (!field) return undefined;
	const mask = dataUriBytes(body[field] as string);
	const source = typeof body.video_url === 'string' ? sourceBytes(body.video_url) : undefined;
	return {
		field,
		bytes: mask?.bytes.length ?? 0,
		contentType: mask?.contentType ?? '',
		mask: safeProbe(mask?.bytes, field === 'mask_image_url'),
		source: safeProbe(source, false),
	};
}
