import { type MaskFormat, type MaskRegion, drawMaskVideo, rationalFps } from '../../../nodes/WanVace/mask';
import { decodeGray, decodeWarnings, ffprobe } from '../../support/ffmpeg';
import { type ReferenceRegion, firstDifference, referenceVideo } from './reference';

/**
 * Mask videos decoded by ffmpeg, compared pixel for pixel with the geometry of issue 18 (reference.ts).
 */

const region = (fields: Partial<MaskRegion> & Pick<MaskRegion, 'left' | 'top' | 'width' | 'height'>): MaskRegion => ({ shape: 'rectangle', unit: 'percent', ...fields });

interface Case {
	regions: MaskRegion[];
	format: MaskFormat;
	invert?: boolean;
	grow?: number;
}

/** Draws, decodes and compares; returns the mask for further checks. */
function expectExact({ regions, format, invert = false, grow = 0 }: Case) {
	const mask = drawMaskVideo({ regions, invert, grow }, format);
	const outWidth = format.width + (format.width % 2);
	const outHeight = format.height + (format.height % 2);
	expect([mask.width, mask.height, mask.frames]).toEqual([outWidth, outHeight, format.frameCount]);
	const decoded = decodeGray(mask.data, 'mp4');
	const expected = referenceVideo(regions as ReferenceRegion[], { ...format, outWidth, outHeight, invert, grow });
	expect(firstDifference(decoded, expected, outWidth, outHeight)).toBeUndefined();
	return mask;
}

const fmt = (width: number, height: number, frameCount = 3, fpsNum = 25, fpsDen = 1): MaskFormat => ({ width, height, frameCount, fpsNum, fpsDen });

describe('mask video: decoded by ffmpeg, pixel for pixel', () => {
	it('rectangles and ellipses, in percent and in pixels', () => {
		expectExact({
			regions: [
				region({ left: 10, top: 12.5, width: 33.3, height: 20 }),
				region({ shape: 'ellipse', left: 50, top: 40, width: 37, height: 45.5 }),
				region({ left: 7.25, top: 150.5, width: 41.5, height: 30.75, unit: 'pixels' }),
				region({ shape: 'ellipse', left: 200.3, top: 20.2, width: 61, height: 33.4, unit: 'pixels' }),
			],
			format: fmt(320, 240),
		});
	});

	it('a tiny ellipse and a one-pixel rectangle', () => {
		expectExact({
			regions: [region({ shape: 'ellipse', left: 10, top: 10, width: 1, height: 1, unit: 'pixels' }), region({ left: 30, top: 5, width: 1, height: 1, unit: 'pixels' })],
			format: fmt(48, 32, 1),
		});
	});

	it('854×482 (not whole macroblocks: the SPS crops it)', () => {
		const mask = expectExact({
			regions: [region({ left: 80, top: 0, width: 20, height: 15 }), region({ shape: 'ellipse', left: 600.5, top: 300.5, width: 253.5, height: 181.5, unit: 'pixels' })],
			format: fmt(854, 482, 2),
		});
		expect(mask.roundedUp).toBe(false);
		const [stream] = ffprobe(mask.data, 'mp4').streams;
		expect([stream.width, stream.height]).toEqual([854, 482]);
	});

	it('853×481 is rounded up to 854×482, the extra column and row drawn by the same geometry', () => {
		const mask = expectExact({
			regions: [region({ left: 50, top: 50, width: 50, height: 50 }), region({ shape: 'ellipse', left: -10, top: -10, width: 30, height: 30 })],
			format: fmt(853, 481, 2),
		});
		expect(mask.roundedUp).toBe(true);
		const [stream] = ffprobe(mask.data, 'mp4').streams;
		expect([stream.width, stream.height]).toEqual([854, 482]);
	});

	it('regions partly outside the frame are clipped', () => {
		expectExact({
			regions: [
				region({ left: -20, top: -5, width: 40, height: 30 }),
				region({ shape: 'ellipse', left: 90, top: 80, width: 30, height: 40 }),
				region({ left: 150, top: -30, width: 500, height: 50, unit: 'pixels' }),
			],
			format: fmt(176, 144, 1),
		});
	});

	it('time windows at 30000/1001 fps, with boundaries on exact frame times; ffprobe agrees on rate and count', () => {
		const format = fmt(160, 96, 90, 30000, 1001);
		const mask = expectExact({
			regions: [
				region({ left: 10, top: 10, width: 30, height: 30, start: 1.001, end: 2.002 }), // frames 30–59
				region({ shape: 'ellipse', left: 50, top: 20, width: 40, height: 60, end: 0.5 }), // frames 0–14
				region({ left: 60, top: 60, width: 30, height: 30, start: 0.5005, end: 0.5339 }), // frames 15 and 16
				region({ left: 0, top: 80, width: 100, height: 20, start: 2.9 }), // frames 87–89
			],
			format,
		});
		const [stream] = ffprobe(mask.data, 'mp4').streams;
		expect(stream.r_frame_rate).toBe('30000/1001');
		expect(stream.avg_frame_rate).toBe('30000/1001');
		expect(stream.nb_frames).toBe('90');
		expect(stream.nb_read_frames).toBe('90');
	});

	it('Invert swaps white and black', () => {
		const mask = expectExact({
			regions: [region({ left: 20, top: 20, width: 30, height: 30, end: 0.08 }), region({ shape: 'ellipse', left: 40, top: 40, width: 50, height: 40 })],
			format: fmt(128, 80, 4),
			invert: true,
		});
		expect([mask.allWhite, mask.allBlack]).toEqual([false, false]);
	});

	it('Grow adds pixels on every side: a rectangle on each edge, an ellipse to its radii', () => {
		expectExact({
			regions: [region({ left: 10, top: 10, width: 20, height: 25 }), region({ shape: 'ellipse', left: 55.5, top: 30.25, width: 20, height: 10 }), region({ shape: 'ellipse', left: 10, top: 70, width: 8, height: 8, unit: 'pixels' })],
			format: fmt(200, 120, 2),
			grow: 7,
		});
	});

	it('a fractional Grow', () => {
		expectExact({ regions: [region({ shape: 'ellipse', left: 30, top: 30, width: 40, height: 40 }), region({ left: 5, top: 5, width: 10, height: 10 })], format: fmt(96, 64, 1), grow: 2.5 });
	});

	it('1 frame', () => {
		const mask = expectExact({ regions: [region({ left: 25, top: 25, width: 50, height: 50 })], format: fmt(64, 48, 1) });
		expect(ffprobe(mask.data, 'mp4').streams[0].nb_read_frames).toBe('1');
	});

	it('200 frames with several time windows; unchanged frames cost a few bytes each', () => {
		const format = fmt(96, 64, 200, 24, 1);
		const mask = expectExact({
			regions: [region({ left: 0, top: 0, width: 50, height: 50, start: 1, end: 4 }), region({ shape: 'ellipse', left: 40, top: 40, width: 40, height: 40, start: 2.5 }), region({ left: 60, top: 10, width: 30, height: 20, end: 7 })],
			format,
		});
		const [stream] = ffprobe(mask.data, 'mp4').streams;
		expect(stream.nb_read_frames).toBe('200');
		// The IDR picture is 24 I_PCM macroblocks (~400 bytes each); 4 pictures change, the rest skip.
		expect(mask.data.length).toBeLessThan(24 * 400 * 5 + 200 * 16 + 4000);
	});

	it('a region that moves every frame (one region per frame, consecutive time windows)', () => {
		const frames = 40;
		const regions = Array.from({ length: frames }, (_, i) =>
			region({ shape: i % 2 ? 'ellipse' : 'rectangle', left: 3 + i * 3.5, top: 10 + (i % 7) * 4, width: 21, height: 17, unit: 'pixels', start: i / 25, end: (i + 1) / 25 }),
		);
		const mask = expectExact({ regions, format: fmt(176, 96, frames) });
		expect(ffprobe(mask.data, 'mp4').streams[0].nb_read_frames).toBe(String(frames));
	});

	it('a 1280×720 mask (lots of zero bytes: emulation prevention) decodes cleanly', () => {
		const mask = expectExact({ regions: [region({ left: 80, top: 5, width: 15, height: 10 }), region({ shape: 'ellipse', left: 10, top: 60, width: 30, height: 30, start: 0.04 })], format: fmt(1280, 720, 3) });
		expect(decodeWarnings(mask.data, 'mp4')).toBe('');
	});

	it('ffprobe: H.264 Constrained Baseline, 4:2:0 full range, the source size, fast start', () => {
		const mask = drawMaskVideo({ regions: [region({ left: 10, top: 10, width: 10, height: 10 })], invert: false, grow: 0 }, fmt(640, 360, 5, 30, 1));
		const { streams, format } = ffprobe(mask.data, 'mp4');
		expect(streams).toHaveLength(1);
		const [stream] = streams;
		expect(stream.codec_name).toBe('h264');
		expect(['Constrained Baseline', 'Baseline']).toContain(stream.profile);
		expect(['yuvj420p', 'yuv420p']).toContain(stream.pix_fmt);
		expect(['pc', 'full']).toContain(stream.color_range);
		expect([stream.width, stream.height, stream.r_frame_rate, stream.nb_frames]).toEqual([640, 360, '30/1', '5']);
		expect(Number(format.duration)).toBeCloseTo(5 / 30, 5);
		// ftyp, then moov before mdat.
		expect(mask.data.toString('latin1', 4, 8)).toBe('ftyp');
		expect(mask.data.indexOf('moov')).toBeLessThan(mask.data.indexOf('mdat'));
		expect(decodeWarnings(mask.data, 'mp4')).toBe('');
		expect([mask.mimeType, mask.fileName, mask.fpsNum, mask.fpsDen]).toEqual(['video/mp4', 'mask.mp4', 30, 1]);
	});

	it('allWhite and allBlack follow Invert', () => {
		const whole = [region({ left: 0, top: 0, width: 100, height: 100 })];
		const none = [region({ left: 10.1, top: 10.1, width: 0.2, height: 0.2, unit: 'pixels' })];
		const flags = (regions: MaskRegion[], invert: boolean) => {
			const mask = drawMaskVideo({ regions, invert, grow: 0 }, fmt(33, 17, 2));
			return [mask.allWhite, mask.allBlack];
		};
		expect(flags(whole, false)).toEqual([true, false]);
		expect(flags(whole, true)).toEqual([false, true]);
		expect(flags(none, false)).toEqual([false, true]);
		expect(flags(none, true)).toEqual([true, false]);
		// White only in some frames: neither.
		expect(flags([region({ left: 0, top: 0, width: 100, height: 100, end: 0.04 })], false)).toEqual([false, false]);
	});
});

describe('rationalFps', () => {
	it.each([
		[29.97, 30000, 1001],
		[29.97002997, 30000, 1001],
		[23.976, 24000, 1001],
		[59.94, 60000, 1001],
		[25, 25, 1],
		[30, 30, 1],
		[12.5, 25, 2],
		[15.123, 15123, 1000],
	])('%p fps → %p/%p', (fps, fpsNum, fpsDen) => {
		expect(rationalFps(fps)).toEqual({ fpsNum, fpsDen });
	});

	it('refuses a frame rate that is not a positive number', () => {
		expect(() => rationalFps(0)).toThrow('The frame rate must be a positive number (got 0)');
		expect(() => rationalFps(NaN)).toThrow('The frame rate must be a positive number (got NaN)');
	});
});
