/** Masks drawn from regions (issue 18): a lossless H.264 MP4 for a video mask, a PNG for an image mask. */
import { type FrameSpan, type PixelRegion, frameSpans, isUniform, rasterizeFrame, regionBounds, toPixelRegions } from './geometry';
import { MaskH264Encoder } from './h264';
import { muxMp4 } from './mp4';
import { encodeGrayPng } from './png';
import { type MaskRegion, MaskRegionError, checkRegionsFitFrame, parseMaskRegions } from './regions';

export { type MaskRegion, type MaskShape, type MaskUnit, MaskRegionError, checkRegionsFitFrame, parseMaskRegions } from './regions';

export interface MaskFormat {
	width: number;
	height: number;
	fpsNum: number;
	fpsDen: number;
	frameCount: number;
}

export interface MaskOptions {
	regions: MaskRegion[];
	invert: boolean;
	/** Pixels added on every side of each region (≥ 0). */
	grow: number;
}

export interface DrawnMask {
	data: Buffer;
	mimeType: 'video/mp4' | 'image/png';
	fileName: string;
	width: number;
	height: number;
	frames: number;
	/** 0/1 for an image. */
	fpsNum: number;
	fpsDen: number;
	/** An odd width or height was rounded up to even (4:2:0); the extra column/row follows the same geometry. */
	roundedUp: boolean;
	/** Every pixel of every frame is white (after Invert): the whole video is repainted. */
	allWhite: boolean;
	/** Every pixel of every frame is black (after Invert): nothing is repainted. */
	allBlack: boolean;
}

function checkInteger(name: string, value: number, max: number): void {
	if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`Cannot draw the mask: the ${name} must be a whole number from 1 to ${max} (got ${value})`);
}

function checkGrow(grow: number): void {
	if (typeof grow !== 'number' || !Number.isFinite(grow) || grow < 0) {
		throw new MaskRegionError(`"Grow Mask" must be 0 or more pixels (got ${grow}).`, undefined, 'grow');
	}
}

/**
 * Whether the regions cover none or all of the source's pixels (width × height, without the column
 * or row added by rounding up) in every frame, before Invert.
 */
class Coverage {
	none = true;
	full = true;

	add(painted: number, frame: Uint8Array, width: number, height: number, stride: number, invert: boolean): void {
		const white = invert ? 0 : 255;
		if (this.none && painted > 0 && !isUniform(frame, width, height, stride, 255 - white)) this.none = false;
		if (this.full && !(painted >= width * height && isUniform(frame, width, height, stride, white))) this.full = false;
	}

	/** [allWhite, allBlack] after Invert. */
	result(invert: boolean): [boolean, boolean] {
		return invert ? [this.none, this.full] : [this.full, this.none];
	}
}

/**
 * Flags (1) the macroblocks that differ between `previous` and `next` (both stride × rows, stride a
 * multiple of 16), looking only where a region that started or stopped between them can be.
 */
function changedMacroblocks(regions: PixelRegion[], before: FrameSpan, after: FrameSpan, previous: Uint32Array, next: Uint32Array, flags: Uint8Array, encoder: MaskH264Encoder): void {
	flags.fill(0);
	const toggled = [...before.active.filter((index) => !after.active.includes(index)), ...after.active.filter((index) => !before.active.includes(index))];
	const words = encoder.stride / 4;
	for (const index of toggled) {
		const { x0, y0, x1, y1 } = regionBounds(regions[index], encoder.width, encoder.height);
		if (x1 <= x0 || y1 <= y0) continue;
		for (let mbY = y0 >> 4; mbY <= (y1 - 1) >> 4; mbY++) {
			for (let mbX = x0 >> 4; mbX <= (x1 - 1) >> 4; mbX++) {
				const mb = mbY * encoder.mbWidth + mbX;
				if (flags[mb]) continue;
				flags[mb] = 2; // looked at, same
				for (let y = 0, at = mbY * 16 * words + mbX * 4; y < 16; y++, at += words) {
					if (previous[at] !== next[at] || previous[at + 1] !== next[at + 1] || previous[at + 2] !== next[at + 2] || previous[at + 3] !== next[at + 3]) {
						flags[mb] = 1;
						break;
					}
				}
			}
		}
	}
	for (let mb = 0; mb < flags.length; mb++) if (flags[mb] === 2) flags[mb] = 0;
}

/** The mask video: an MP4 of lossless H.264 of the source's size, frame rate and frame count. */
export function drawMaskVideo(options: MaskOptions, format: MaskFormat): DrawnMask {
	const { width, height, fpsNum, fpsDen, frameCount } = format;
	checkInteger('width', width, 16384);
	checkInteger('height', height, 16384);
	checkInteger('frame rate numerator', fpsNum, 0x7fffffff);
	checkInteger('frame rate denominator', fpsDen, 0x7fffffff);
	checkInteger('frame count', frameCount, 1_000_000);
	checkGrow(options.grow);
	const regions = parseMaskRegions(options.regions);
	checkRegionsFitFrame(regions, width, height);

	const encoder = new MaskH264Encoder(width + (width % 2), height + (height % 2), fpsNum, fpsDen);
	const pixelRegions = toPixelRegions(regions, width, height, options.grow, { fpsNum, fpsDen });
	const spans = frameSpans(pixelRegions, frameCount);
	// Two raw frames (the previous and the next), whole macroblocks; the padding stays 0.
	const frames = [new ArrayBuffer(encoder.stride * encoder.rows), new ArrayBuffer(encoder.stride * encoder.rows)];
	const flags = new Uint8Array(encoder.mbWidth * encoder.mbHeight);
	const coverage = new Coverage();
	const samples: Buffer[] = [];
	spans.forEach((span, index) => {
		const next = new Uint8Array(frames[index % 2]);
		const painted = rasterizeFrame(pixelRegions, span.active, options.invert, next, encoder.width, encoder.height, encoder.stride);
		coverage.add(painted, next, width, height, encoder.stride, options.invert);
		if (index === 0) {
			samples.push(encoder.idr(next));
		} else {
			changedMacroblocks(pixelRegions, spans[index - 1], span, new Uint32Array(frames[(index + 1) % 2]), new Uint32Array(frames[index % 2]), flags, encoder);
			samples.push(encoder.p(next, flags));
		}
		for (let frame = span.start + 1; frame < span.end; frame++) samples.push(encoder.p(next));
	});
	const [allWhite, allBlack] = coverage.result(options.invert);
	return {
		data: muxMp4({ width: encoder.width, height: encoder.height, fpsNum, fpsDen, sps: encoder.sps, pps: encoder.pps, samples }),
		mimeType: 'video/mp4',
		fileName: 'mask.mp4',
		width: encoder.width,
		height: encoder.height,
		frames: frameCount,
		fpsNum,
		fpsDen,
		roundedUp: encoder.width !== width || encoder.height !== height,
		allWhite,
		allBlack,
	};
}

/** The mask image: a PNG of the source's size. Every region applies (start and end are for videos). */
export function drawMaskImage(options: MaskOptions, size: { width: number; height: number }): DrawnMask {
	const { width, height } = size;
	checkInteger('width', width, 16384);
	checkInteger('height', height, 16384);
	checkGrow(options.grow);
	const regions = parseMaskRegions(options.regions);
	checkRegionsFitFrame(regions, width, height);
	const pixelRegions = toPixelRegions(regions, width, height, options.grow);
	const pixels = new Uint8Array(width * height);
	const painted = rasterizeFrame(pixelRegions, pixelRegions.map((_, index) => index), options.invert, pixels, width, height, width);
	const coverage = new Coverage();
	coverage.add(painted, pixels, width, height, width, options.invert);
	const [allWhite, allBlack] = coverage.result(options.invert);
	return {
		data: encodeGrayPng(pixels, width, height),
		mimeType: 'image/png',
		fileName: 'mask.png',
		width,
		height,
		frames: 1,
		fpsNum: 0,
		fpsDen: 1,
		roundedUp: false,
		allWhite,
		allBlack,
	};
}

/** NTSC-style rates n·1000/1001 that probes report as decimals (23.976, 29.97, …). */
const NTSC_BASES = [24, 30, 48, 60, 120, 240];

/** A frame rate given as a decimal (e.g. 29.97 from a probe) → the nearest common rational (30000/1001, 24000/1001, 60000/1001, else n/1 or n*1000/1000). */
export function rationalFps(fps: number): { fpsNum: number; fpsDen: number } {
	if (typeof fps !== 'number' || !Number.isFinite(fps) || fps <= 0) throw new Error(`The frame rate must be a positive number (got ${fps})`);
	for (const base of NTSC_BASES) {
		if (Math.abs(fps - (base * 1000) / 1001) < 0.002) return { fpsNum: base * 1000, fpsDen: 1001 };
	}
	if (Math.abs(fps - Math.round(fps)) < 0.0005 && Math.round(fps) >= 1) return { fpsNum: Math.round(fps), fpsDen: 1 };
	const numerator = Math.max(1, Math.round(fps * 1000));
	const divisor = gcd(numerator, 1000);
	return { fpsNum: numerator / divisor, fpsDen: 1000 / divisor };
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
