/**
 * Rasterisation of mask regions (issue 18): pixel (x, y) is white when its centre (x + 0.5, y + 0.5)
 * lies in a region active in that frame; frame i is at t = i / fps and a region is active when
 * start ≤ t < end.
 */
import { type MaskRegion, regionPixels } from './regions';

/** A region in pixels of the source, grown, with its time window as frame indices. */
export interface PixelRegion {
	shape: MaskRegion['shape'];
	/** The grown box: a rectangle's edges (right = left + width), an ellipse's bounds. */
	left: number;
	top: number;
	width: number;
	height: number;
	/** An ellipse's centre (unchanged by grow) and radii (grown). */
	centreX: number;
	centreY: number;
	radiusX: number;
	radiusY: number;
	/** First frame in which the region is active. */
	firstFrame: number;
	/** First frame after it (Infinity: to the end). */
	endFrame: number;
}

/** Consecutive frames [start, end) with the same set of active regions: identical rasters. */
export interface FrameSpan {
	start: number;
	end: number;
	/** Indices into the PixelRegion list. */
	active: number[];
}

/**
 * How many frames lie before `seconds`: the number of i ≥ 0 with i / fps < seconds, i.e. the
 * smallest i with i·fpsDen ≥ seconds·fpsNum. seconds·fpsNum is snapped to the nearest integer
 * when it is within 1e-6 of it, so that a decimal such as 1.001 at 30000/1001 fps is treated as
 * the exact frame time it stands for (frame 30) despite binary rounding.
 */
export function framesBefore(seconds: number, fpsNum: number, fpsDen: number): number {
	if (seconds === Infinity) return Infinity;
	if (seconds <= 0) return 0;
	let scaled = seconds * fpsNum;
	const nearest = Math.round(scaled);
	if (Math.abs(scaled - nearest) <= 1e-6 * Math.max(1, nearest)) scaled = nearest;
	let frames = Math.ceil(scaled / fpsDen);
	// Exact integer checks on either side of the floating-point estimate.
	while (frames > 0 && (frames - 1) * fpsDen >= scaled) frames--;
	while (frames * fpsDen < scaled) frames++;
	return frames;
}

/** Regions in pixels of the sourceWidth × sourceHeight frame, grown by `grow` pixels on every side. */
export function toPixelRegions(regions: MaskRegion[], sourceWidth: number, sourceHeight: number, grow: number, fps?: { fpsNum: number; fpsDen: number }): PixelRegion[] {
	return regions.map((region) => {
		const box = regionPixels(region, sourceWidth, sourceHeight);
		// A rectangle grows by `grow` on each edge; an ellipse's radii grow by it around the same centre.
		return {
			shape: region.shape,
			left: box.left - grow,
			top: box.top - grow,
			width: box.width + 2 * grow,
			height: box.height + 2 * grow,
			centreX: box.left + box.width / 2,
			centreY: box.top + box.height / 2,
			radiusX: box.width / 2 + grow,
			radiusY: box.height / 2 + grow,
			firstFrame: fps ? framesBefore(region.start ?? 0, fps.fpsNum, fps.fpsDen) : 0,
			endFrame: fps && region.end !== undefined ? framesBefore(region.end, fps.fpsNum, fps.fpsDen) : Infinity,
		};
	});
}

/** The frames of the video split where the set of active regions changes. */
export function frameSpans(regions: PixelRegion[], frameCount: number): FrameSpan[] {
	const cuts = new Set<number>([0]);
	for (const region of regions) {
		for (const cut of [region.firstFrame, region.endFrame]) if (cut > 0 && cut < frameCount) cuts.add(cut);
	}
	const starts = [...cuts].sort((a, b) => a - b);
	const spans: FrameSpan[] = [];
	starts.forEach((start, index) => {
		const end = index + 1 < starts.length ? starts[index + 1] : frameCount;
		const active = regions.flatMap((region, regionIndex) => (region.firstFrame <= start && start < region.endFrame ? [regionIndex] : []));
		const previous = spans[spans.length - 1];
		if (previous && previous.active.join() === active.join()) previous.end = end;
		else spans.push({ start, end, active });
	});
	return spans;
}

/** Pixel columns [x0, x1) and rows [y0, y1) that may hold the region's pixels, clipped to the frame. */
export function regionBounds(region: PixelRegion, width: number, height: number): { x0: number; y0: number; x1: number; y1: number } {
	const clip = (value: number, max: number) => Math.min(max, Math.max(0, value));
	return {
		x0: clip(Math.floor(region.left) - 1, width),
		y0: clip(Math.floor(region.top) - 1, height),
		x1: clip(Math.ceil(region.left + region.width) + 1, width),
		y1: clip(Math.ceil(region.top + region.height) + 1, height),
	};
}

/** Whether column x's centre lies in the region (on the row at hand). */
type Inside = (x: number) => boolean;

/** Columns [x0, x1) of row y covered by the region (x0 = x1 when none), clipped to [0, width). */
function rowSpan(region: PixelRegion, y: number, width: number): [number, number] {
	const cy = y + 0.5;
	let inside: Inside;
	let estimateLeft: number;
	let estimateRight: number;
	if (region.shape === 'rectangle') {
		if (!(region.top <= cy && cy < region.top + region.height)) return [0, 0];
		const right = region.left + region.width;
		inside = (x) => region.left <= x + 0.5 && x + 0.5 < right;
		estimateLeft = Math.ceil(region.left - 0.5);
		estimateRight = Math.ceil(right - 0.5) - 1;
	} else {
		const { centreX, centreY, radiusX, radiusY } = region;
		const dy = (cy - centreY) / radiusY;
		const rest = 1 - dy * dy;
		if (rest < 0) return [0, 0];
		// The rule, as written in the issue; the estimate below is corrected against it.
		inside = (x) => ((x + 0.5 - centreX) / radiusX) ** 2 + ((cy - centreY) / radiusY) ** 2 <= 1;
		const half = radiusX * Math.sqrt(rest);
		estimateLeft = Math.ceil(centreX - half - 0.5);
		estimateRight = Math.floor(centreX + half - 0.5);
	}
	let x0 = Math.min(width, Math.max(0, estimateLeft));
	let x1 = Math.min(width - 1, estimateRight);
	while (x0 > 0 && inside(x0 - 1)) x0--;
	while (x0 <= x1 && x0 < width && !inside(x0)) x0++;
	while (x1 < width - 1 && inside(x1 + 1)) x1++;
	while (x1 >= x0 && !inside(x1)) x1--;
	return x1 >= x0 ? [x0, x1 + 1] : [0, 0];
}

/**
 * Draws the active regions into `out` (0 black, 255 white; `width` columns and `height` rows, each
 * `stride` bytes apart; bytes beyond the width are left alone), inverted when `invert`.
 * Returns how many pixels the regions painted before Invert, overlaps counted twice: 0 means no
 * region covers any pixel; below width × height means some pixel is uncovered.
 */
export function rasterizeFrame(regions: PixelRegion[], active: number[], invert: boolean, out: Uint8Array, width: number, height: number, stride: number): number {
	const background = invert ? 255 : 0;
	const paint = invert ? 0 : 255;
	if (stride === width) out.fill(background, 0, width * height);
	else for (let y = 0; y < height; y++) out.fill(background, y * stride, y * stride + width);
	let painted = 0;
	for (const index of active) {
		const region = regions[index];
		const { y0, y1 } = regionBounds(region, width, height);
		for (let y = y0; y < y1; y++) {
			const [x0, x1] = rowSpan(region, y, width);
			if (x1 > x0) {
				out.fill(paint, y * stride + x0, y * stride + x1);
				painted += x1 - x0;
			}
		}
	}
	return painted;
}

/** True when every pixel of the frame is `value` (used only when the painted count says it may be). */
export function isUniform(frame: Uint8Array, width: number, height: number, stride: number, value: number): boolean {
	for (let y = 0; y < height; y++) {
		for (let x = y * stride, end = x + width; x < end; x++) if (frame[x] !== value) return false;
	}
	return true;
}
