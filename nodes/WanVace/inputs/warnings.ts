import type { IDataObject } from 'n8n-workflow';

import { apiParameter } from '../descriptions/apiParameters';
import type { MediaFacts } from '../media/facts';

/** Things the API may cope with, so they are reported, not refused. */

export interface ProbedInput {
	apiName: string;
	label: string;
	facts?: MediaFacts;
}

function size(facts: MediaFacts): string {
	return `${facts.width}x${facts.height}`;
}

function length(facts: MediaFacts): string {
	const parts = [facts.frames !== undefined ? `${facts.frames} frames` : '', facts.durationSeconds !== undefined ? `${facts.durationSeconds} s` : ''];
	return parts.filter(Boolean).join(', ');
}

function sameLength(a: MediaFacts, b: MediaFacts): boolean {
	if (a.frames !== undefined && b.frames !== undefined) return a.frames === b.frames;
	if (a.durationSeconds !== undefined && b.durationSeconds !== undefined) return Math.abs(a.durationSeconds - b.durationSeconds) < 0.1;
	return true;
}

function requested(body: IDataObject, apiName: string): { value: string | number; isDefault: boolean } {
	const value = body[apiName];
	if (value !== undefined) return { value: value as string | number, isDefault: false };
	return { value: apiParameter(apiName).default as string | number, isDefault: true };
}

export function inputWarnings(inputs: ProbedInput[], body: IDataObject): string[] {
	const warnings: string[] = [];
	const video = inputs.find((input) => input.apiName === 'video_url')?.facts;
	const mask = inputs.find((input) => input.apiName === 'mask_video_url' || input.apiName === 'mask_image_url');
	if (!video || video.kind !== 'video') return warnings;
	const hasSize = (facts?: MediaFacts): facts is MediaFacts => facts?.width !== undefined && facts.height !== undefined;
	if (mask?.facts && hasSize(mask.facts) && hasSize(video) && (mask.facts.width !== video.width || mask.facts.height !== video.height)) {
		warnings.push(
			`${mask.label} is ${size(mask.facts)} but the video is ${size(video)}: AI/ML API may stretch the mask or fail the generation. Make the mask the same size as the video.`,
		);
	}
	if (mask?.facts?.kind === 'video' && !sameLength(mask.facts, video)) {
		warnings.push(
			`${mask.label} is ${length(mask.facts)} long but the video is ${length(video)}: frames without a matching mask frame may be kept or repainted unexpectedly. Make the mask as long as the video.`,
		);
	}
	const frames = requested(body, 'num_frames');
	if (body.match_input_num_frames !== true && video.frames !== undefined && Number(frames.value) > video.frames) {
		warnings.push(
			`Number of Frames asks for ${frames.value} frames${frames.isDefault ? " (the API's default)" : ''} but the video has ${video.frames}: the generation may repeat or invent frames. Lower Number of Frames, or turn on Match Input Number of Frames.`,
		);
	}
	const resolution = requested(body, 'resolution');
	const shortSide = Number.parseInt(String(resolution.value), 10);
	if (hasSize(video) && Number.isFinite(shortSide) && shortSide > Math.min(video.width!, video.height!)) {
		warnings.push(
			`Resolution ${resolution.value}${resolution.isDefault ? " (the API's default)" : ''} is above the video's ${size(video)}: the output is upscaled and will not be sharper than the source.`,
		);
	}
	return warnings;
}
