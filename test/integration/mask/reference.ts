/**
 * The mask geometry of issue 18, written independently of nodes/WanVace/mask: per pixel, straight
 * from the rules. Times are compared exactly: a region's start/end is read as the decimal it is
 * written as, and frame i is at i·fpsDen/fpsNum seconds.
 */

export interface ReferenceRegion {
	shape: 'rectangle' | 'ellipse';
	left: number;
	top: number;
	width: number;
	height: number;
	unit?: 'percent' | 'pixels';
	start?: number;
	end?: number;
}

export interface ReferenceOptions {
	/** The source's size (percent is of it). */
	width: number;
	height: number;
	/** The size drawn: the source's, or rounded up to even. */
	outWidth?: number;
	outHeight?: number;
	fpsNum: number;
	fpsDen: number;
	frameCount: number;
	invert?: boolean;
	grow?: number;
}

/** A decimal number as an exact fraction numerator / 10^digits (BigInt). */
function decimal(value: number): { numerator: bigint; scale: bigint } {
	const text = String(value);
	if (/e/i.test(text)) throw new Error(`reference: write ${text} without an exponent`);
	const [whole, fraction = ''] = text.split('.');
	return { numerator: BigInt(whole + fraction), scale: 10n ** BigInt(fraction.length) };
}

/** seconds ≤ i / fps, exactly. */
function atOrBefore(seconds: number, frame: number, fpsNum: number, fpsDen: number): boolean {
	const { numerator, scale } = decimal(seconds);
	return numerator * BigInt(fpsNum) <= BigInt(frame) * BigInt(fpsDen) * scale;
}

export function isActive(region: ReferenceRegion, frame: number, fpsNum: number, fpsDen: number): boolean {
	if (region.start !== undefined && !atOrBefore(region.start, frame, fpsNum, fpsDen)) return false;
	if (region.end !== undefined && atOrBefore(region.end, frame, fpsNum, fpsDen)) return false;
	return true;
}

function covers(region: ReferenceRegion, cx: number, cy: number, width: number, height: number, grow: number): boolean {
	const percent = (region.unit ?? 'percent') === 'percent';
	const left = percent ? (region.left * width) / 100 : region.left;
	const top = percent ? (region.top * height) / 100 : region.top;
	const w = percent ? (region.width * width) / 100 : region.width;
	const h = percent ? (region.height * height) / 100 : region.height;
	if (region.shape === 'rectangle') {
		const l = left - grow;
		const t = top - grow;
		const gw = w + 2 * grow;
		const gh = h + 2 * grow;
		return l <= cx && cx < l + gw && t <= cy && cy < t + gh;
	}
	const centreX = left + w / 2;
	const centreY = top + h / 2;
	const rx = w / 2 + grow;
	const ry = h / 2 + grow;
	return ((cx - centreX) / rx) ** 2 + ((cy - centreY) / ry) ** 2 <= 1;
}

/** One frame: outWidth × outHeight bytes, 255 white, 0 black. */
export function referenceFrame(regions: ReferenceRegion[], options: ReferenceOptions, frame: number): Buffer {
	const outWidth = options.outWidth ?? options.width;
	const outHeight = options.outHeight ?? options.height;
	const active = regions.filter((region) => isActive(region, frame, options.fpsNum, options.fpsDen));
	const out = Buffer.alloc(outWidth * outHeight);
	for (let y = 0; y < outHeight; y++) {
		for (let x = 0; x < outWidth; x++) {
			const inside = active.some((region) => covers(region, x + 0.5, y + 0.5, options.width, options.height, options.grow ?? 0));
			out[y * outWidth + x] = inside !== (options.invert ?? false) ? 255 : 0;
		}
	}
	return out;
}

/** Every frame, concatenated (frames with the same active regions are drawn once). */
export function referenceVideo(regions: ReferenceRegion[], options: ReferenceOptions): Buffer {
	const drawn = new Map<string, Buffer>();
	const frames: Buffer[] = [];
	for (let frame = 0; frame < options.frameCount; frame++) {
		const key = regions.map((region) => (isActive(region, frame, options.fpsNum, options.fpsDen) ? 1 : 0)).join('');
		if (!drawn.has(key)) drawn.set(key, referenceFrame(regions, options, frame));
		frames.push(drawn.get(key)!);
	}
	return Buffer.concat(frames);
}

/** The first differing pixel, for a readable failure ("frame 3, x 10, y 4: got 0, expected 255"). */
export function firstDifference(actual: Buffer, expected: Buffer, width: number, height: number): string | undefined {
	if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length} (${expected.length / (width * height)} frames)`;
	const at = actual.findIndex((value, index) => value !== expected[index]);
	if (at < 0) return undefined;
	const frame = Math.floor(at / (width * height));
	const inFrame = at % (width * height);
	let count = 0;
	for (let i = 0; i < actual.length; i++) if (actual[i] !== expected[i]) count++;
	return `frame ${frame}, x ${inFrame % width}, y ${Math.floor(inFrame / width)}: got ${actual[at]}, expected ${expected[at]} (${count} pixels differ)`;
}
