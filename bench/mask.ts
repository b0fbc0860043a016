/**
 * Section: drawing a regions mask (issue 18): encode time and bytes of the lossless H.264 mask
 * video, and the memory the encoder needs, beside the goals. Memory is measured in a fresh child
 * process per case (this file, forked with MEMORY_CHILD_FLAG), from its peak RSS.
 */
import { type MaskFormat, type MaskOptions, drawMaskVideo } from '../nodes/WanVace/mask';
import { childProcess, path, process, repoRoot } from '../test/support/node';
import type { BenchConfig } from './config';
import { type Row, type Section, bytes, count, median, ms } from './report';
import type { Progress } from './sections';

const MEMORY_CHILD_FLAG = '--mask-memory-child';
const TIME_GOAL_MS = 50;
const SIZE_GOAL_BYTES = 2_000_000;
/** Peak RSS growth allowed while encoding, in raw 4:2:0 frames (width × height × 1.5 bytes). */
const MEMORY_GOAL_FRAMES = 6;

interface MaskCase {
	name: string;
	label: string;
	format: MaskFormat;
	options: MaskOptions;
	/** Time and size goals (the static 720p mask of the issue). */
	goals: boolean;
	/** The memory goal: static masks, whose encoded frames after the first are a few bytes. */
	memoryGoal: boolean;
}

const rectangle = { shape: 'rectangle', left: 78, top: 4, width: 18, height: 12, unit: 'percent' } as const;

/** Wan 2.2 VACE clips: 81 frames at 16 fps. */
const CASES: MaskCase[] = [
	{
		name: 'static720',
		label: '1280×720 × 81 frames, one static rectangle',
		format: { width: 1280, height: 720, fpsNum: 16, fpsDen: 1, frameCount: 81 },
		options: { regions: [rectangle], invert: false, grow: 0 },
		goals: true,
		memoryGoal: true,
	},
	{
		name: 'moving720',
		label: '1280×720 × 81 frames, a region moving every frame',
		format: { width: 1280, height: 720, fpsNum: 16, fpsDen: 1, frameCount: 81 },
		options: {
			regions: Array.from({ length: 81 }, (_, i) => ({ shape: 'ellipse', left: 40 + i * 12, top: 200 + (i % 9) * 10, width: 200, height: 160, unit: 'pixels', start: i / 16, end: (i + 1) / 16 }) as const),
			invert: false,
			grow: 4,
		},
		goals: false,
		memoryGoal: false,
	},
	{
		name: 'static1080',
		label: '1920×1080 × 121 frames, one static rectangle',
		format: { width: 1920, height: 1080, fpsNum: 24, fpsDen: 1, frameCount: 121 },
		options: { regions: [rectangle], invert: false, grow: 0 },
		goals: false,
		memoryGoal: true,
	},
];

const rawFrameBytes = (format: MaskFormat) => format.width * format.height * 1.5;
const kib = (value: number) => `${(value / 1024).toFixed(1)} KiB`;
const mib = (value: number) => `${(value / (1024 * 1024)).toFixed(2)} MiB`;

function timeEncode(maskCase: MaskCase, runs: number): { medianMs: number; bytes: number } {
	let size = 0;
	for (let i = 0; i < 2; i++) size = drawMaskVideo(maskCase.options, maskCase.format).data.length; // warm-up
	const times: number[] = [];
	for (let i = 0; i < runs; i++) {
		const started = process.hrtime.bigint();
		size = drawMaskVideo(maskCase.options, maskCase.format).data.length;
		times.push(Number(process.hrtime.bigint() - started) / 1e6);
	}
	return { medianMs: median(times), bytes: size };
}

interface MemoryResult {
	/** maxRSS after the encode − RSS before it: an upper bound of what encoding added at its peak. */
	peakRssGrowth: number;
	/** Heap and array buffers after the encode (result held) − before. */
	heapGrowth: number;
	arrayBuffersGrowth: number;
}

/** In the child: one warm-up encode of a small mask, then the measured one. */
function measureInChild(name: string): MemoryResult {
	const maskCase = CASES.find((entry) => entry.name === name)!;
	drawMaskVideo({ regions: [rectangle], invert: false, grow: 0 }, { width: 64, height: 48, fpsNum: 16, fpsDen: 1, frameCount: 3 });
	const before = process.memoryUsage();
	const mask = drawMaskVideo(maskCase.options, maskCase.format);
	const after = process.memoryUsage();
	const maxRss = process.resourceUsage().maxRSS * 1024;
	if (mask.data.length === 0) throw new Error('empty mask');
	return { peakRssGrowth: maxRss - before.rss, heapGrowth: after.heapUsed - before.heapUsed, arrayBuffersGrowth: after.arrayBuffers - before.arrayBuffers };
}

/** The median of 3 fresh children (RSS figures vary with GC timing). */
function measureMemory(name: string): MemoryResult {
	const results = [0, 1, 2].map(() => measureOnce(name)).sort((a, b) => a.peakRssGrowth - b.peakRssGrowth);
	return results[1];
}

function measureOnce(name: string): MemoryResult {
	const out = childProcess.execFileSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'bench', 'mask.ts'), MEMORY_CHILD_FLAG, name], {
		cwd: repoRoot,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	return JSON.parse(out.trim().split('\n').pop()!) as MemoryResult;
}

export async function maskSection(config: BenchConfig, progress: Progress): Promise<Section> {
	const runs = config.mode === 'quick' ? 5 : 11;
	const rows: Row[] = [];
	for (const maskCase of CASES) {
		progress(`mask: ${maskCase.label}`);
		const { medianMs, bytes: size } = timeEncode(maskCase, runs);
		const memory = measureMemory(maskCase.name);
		const frame = rawFrameBytes(maskCase.format);
		const memoryLimit = MEMORY_GOAL_FRAMES * frame;
		rows.push({
			measurement: `Encode ${maskCase.label}`,
			ours: ms(medianMs, `${medianMs.toFixed(1)} ms`),
			...(maskCase.goals ? { target: `< ${TIME_GOAL_MS} ms`, pass: medianMs < TIME_GOAL_MS } : {}),
		});
		rows.push({
			measurement: '  mask file size',
			ours: bytes(size),
			baseline: count(frame, `raw frame ${mib(frame)}`),
			...(maskCase.goals ? { target: `< ${(SIZE_GOAL_BYTES / 1e6).toFixed(0)} MB`, pass: size < SIZE_GOAL_BYTES } : {}),
		});
		rows.push({
			measurement: '  peak RSS growth while encoding',
			ours: count(memory.peakRssGrowth, mib(memory.peakRssGrowth)),
			baseline: count(memory.peakRssGrowth / frame, `${(memory.peakRssGrowth / frame).toFixed(1)} raw frames`),
			...(maskCase.memoryGoal
				? { target: `≤ ${MEMORY_GOAL_FRAMES} raw frames (${mib(memoryLimit)})`, pass: memory.peakRssGrowth <= memoryLimit }
				: { target: `info: ≈ 2 × file size + 2 raw frames (${mib(2 * size + 2 * frame)}), plus garbage not yet collected` }),
		});
		rows.push({
			measurement: '  held after encoding (heap + buffers, mask included)',
			ours: count(memory.heapGrowth + memory.arrayBuffersGrowth, `${kib(memory.heapGrowth)} + ${mib(memory.arrayBuffersGrowth)}`),
		});
	}
	return {
		title: 'Mask drawn from regions: lossless H.264 MP4 encode (issue 18)',
		notes: [
			`Encode time: median of ${runs} runs of drawMaskVideo in this process, after 2 warm-up runs (regions → MP4 bytes). Every mask starts with an IDR picture of I_PCM macroblocks (384 bytes each, plus emulation prevention bytes in runs of zeros); unchanged frames are one mb_skip_run of a few bytes.`,
			`Memory: a fresh child process encodes a small mask to warm up, then the measured one; peak RSS growth = maxRSS after the encode − RSS before it (an upper bound), median of 3 children per case. The encoder holds two raw luma frames and the encoded frames (the IDR picture written in place, no copy), then copies them into the MP4: about 2 × file size + 2 raw frames, never the whole raw video. For a static mask the file is about one raw frame, hence the goal of ${MEMORY_GOAL_FRAMES} raw frames; a mask that changes every frame holds more encoded bytes, so its figure is informational.`,
			`"Baseline" column: the size of one raw 4:2:0 frame (width × height × 1.5 bytes), the unit of the memory goal.`,
		],
		rows,
	};
}

if (process.argv[2] === MEMORY_CHILD_FLAG) {
	process.stdout.write(`${JSON.stringify(measureInChild(process.argv[3]))}\n`);
}
