import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { RunSettings } from '../descriptions/runOptions';
import { operationError } from '../errors';
import { type DrawnMask, MaskRegionError, drawMaskImage, drawMaskVideo, rationalFps } from '../mask';
import { round } from '../media/facts';
import type { GenerationRequest } from '../request/body';
import { summarizeRequest } from '../request/summary';
import { regionError } from '../request/maskRegions';
import { MAX_INLINE_BYTES, formatBytes } from '../request/mediaInput';
import type { InputChecks, InputReport } from './checks';
import { CHECK_INPUTS_OFF } from './problems';

/**
 * Mask Source = Regions: the mask is drawn at the source video's size, frame rate and frame
 * count, so the source is probed (even with Check Inputs off) before anything is submitted.
 */

const WHY_PROBE =
	'Mask Source "Regions" draws the mask at the source video\'s size, frame rate and length, so n8n reads the video first (even with Run Options > Check Inputs off).';
const OTHER_WAY = 'Or draw the mask elsewhere and set Mask Source to URL or Binary File.';

interface SourceFormat {
	width: number;
	height: number;
	framesPerSecond: number;
	frames: number;
}

function cannotDraw(ctx: IExecuteFunctions, itemIndex: number, message: string, description: string) {
	return operationError(ctx.getNode(), `The mask cannot be drawn: ${message}`, { itemIndex, description });
}

/** The source video's size, frame rate and frame count, or an error that says why not and what to do. */
async function probeSource(ctx: IExecuteFunctions, itemIndex: number, request: GenerationRequest, checks: InputChecks): Promise<SourceFormat> {
	const video = request.media.find((input) => input.field.apiName === 'video_url');
	if (!video) throw cannotDraw(ctx, itemIndex, 'the request has no source video', 'Set the Video URL or Video Binary Property.');
	const inspection = await checks.inspect(video);
	if ('problem' in inspection) {
		// Turning off Check Inputs does not skip this read: advice to do so is left out.
		const fix = inspection.problem.description
			.replace(CHECK_INPUTS_OFF, '')
			.split(/(?<=\.)\s+/)
			.filter((sentence) => !sentence.includes('Check Inputs'))
			.join(' ')
			.trim();
		throw cannotDraw(ctx, itemIndex, `the source video could not be probed: ${video.field.label} ${inspection.problem.message}`, `${WHY_PROBE} ${fix} ${OTHER_WAY}`);
	}
	const facts = inspection.facts;
	const missing = [
		facts?.width && facts.height ? '' : 'size',
		facts?.framesPerSecond ? '' : 'frame rate',
		facts?.frames ? '' : 'frame count',
	].filter(Boolean);
	if (!facts || missing.length > 0) {
		const container = facts?.container ?? String(inspection.report.container ?? 'unknown');
		throw cannotDraw(
			ctx,
			itemIndex,
			`the source video could not be probed: n8n could not read its ${missing.length ? missing.join(', ') : 'format'} (${container.toUpperCase()} container)`,
			`${WHY_PROBE} Pass an MP4 or MOV with its index (moov) at the start ("fast start"), or a WebM, from a host that answers ranged requests. ${OTHER_WAY}`,
		);
	}
	return { width: facts.width!, height: facts.height!, framesPerSecond: facts.framesPerSecond!, frames: facts.frames! };
}

function draw(ctx: IExecuteFunctions, itemIndex: number, request: GenerationRequest, source: SourceFormat): DrawnMask {
	const spec = request.regionsMask!;
	const options = { regions: spec.regions, invert: spec.invert, grow: spec.grow };
	try {
		return spec.kind === 'image'
			? drawMaskImage(options, source)
			: drawMaskVideo(options, { width: source.width, height: source.height, frameCount: source.frames, ...rationalFps(source.framesPerSecond) });
	} catch (error) {
		if (error instanceof MaskRegionError) throw regionError(ctx, itemIndex, spec.label, error);
		const reason = error instanceof Error ? error.message : String(error);
		throw cannotDraw(ctx, itemIndex, reason, `The source video is ${source.width}x${source.height}, ${source.frames} frames at ${source.framesPerSecond} fps. ${OTHER_WAY}`);
	}
}

function report(mask: DrawnMask, source: SourceFormat, regionCount: number): IDataObject {
	const video = mask.mimeType === 'video/mp4';
	return {
		drawnFrom: 'regions',
		regions: regionCount,
		contentType: mask.mimeType,
		bytes: mask.data.length,
		container: video ? 'mp4' : 'png',
		width: mask.width,
		height: mask.height,
		...(video
			? { framesPerSecond: round(mask.fpsNum / mask.fpsDen), frameRate: `${mask.fpsNum}/${mask.fpsDen}`, frames: mask.frames, durationSeconds: round((mask.frames * mask.fpsDen) / mask.fpsNum) }
			: {}),
		...(mask.roundedUp
			? { roundedUp: `The source is ${source.width}x${source.height}; the mask is ${mask.width}x${mask.height}: H.264 4:2:0 needs an even width and height, so the extra column or row is drawn by the same regions.` }
			: {}),
	};
}

/** Probes the source, draws the mask, and puts it in the request body as a data: URI. Throws before any submission. */
export async function drawRegionsMask(ctx: IExecuteFunctions, itemIndex: number, request: GenerationRequest, checks: InputChecks, settings: RunSettings): Promise<void> {
	const spec = request.regionsMask;
	if (!spec) return;
	const source = await probeSource(ctx, itemIndex, request, checks);
	const mask = draw(ctx, itemIndex, request, source);
	const label = spec.kind === 'video' ? 'Mask Video' : 'Mask Image';
	if (mask.allBlack) {
		throw cannotDraw(
			ctx,
			itemIndex,
			`the ${label.toLowerCase()} drawn from ${spec.label} is all black${spec.invert ? ' after Invert Mask' : ''}: it repaints nothing`,
			`No pixel of the ${source.width}x${source.height} frame is ${spec.invert ? 'outside' : 'inside'} a region${spec.kind === 'video' ? ' in any frame' : ''}. Make the regions ${spec.invert ? 'smaller, or turn off Invert Mask' : 'larger, or check their start and end'}.`,
		);
	}
	const limit = MAX_INLINE_BYTES[spec.kind];
	if (mask.data.length > limit) {
		throw cannotDraw(ctx, itemIndex, `the ${label.toLowerCase()} is ${formatBytes(mask.data.length)}, above the ${formatBytes(limit)} the node sends inline`, `Regions that change in fewer frames give a smaller mask. ${OTHER_WAY}`);
	}
	const warnings = mask.allWhite
		? [`${label} drawn from ${spec.label} is all white${spec.invert ? ' after Invert Mask' : ''}: the whole video is repainted, nothing of the source is kept. Check the regions${spec.invert ? ' and Invert Mask' : ''}.`]
		: [];
	request.body[spec.apiName] = `data:${mask.mimeType};base64,${mask.data.toString('base64')}`;
	request.settings = summarizeRequest(request.body, request.binaries);
	request.drawnMask = {
		report: report(mask, source, spec.regions.length),
		warnings,
		...(settings.includeMaskInOutput ? { binary: await ctx.helpers.prepareBinaryData(mask.data, mask.fileName, mask.mimeType) } : {}),
	};
}

/** The item's input report with the drawn mask listed among the inputs (also when Check Inputs is off). */
export function withDrawnMask(report: InputReport | undefined, request: GenerationRequest): InputReport | undefined {
	const drawn = request.drawnMask;
	if (!drawn || !request.regionsMask) return report;
	return {
		inputs: { ...(report?.inputs ?? {}), [request.regionsMask.apiName]: drawn.report },
		warnings: [...(report?.warnings ?? []), ...drawn.warnings],
	};
}
