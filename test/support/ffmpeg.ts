/**
 * Debian's ffmpeg and ffprobe (installed by scripts/ensure-ffmpeg.sh), used to decode the masks the
 * node draws. A missing ffmpeg fails the test that needs it: it is never skipped.
 */
import { childProcess, fs, os, path, process } from './node';

const NOT_FOUND = 'ffmpeg not found: run bash scripts/ensure-ffmpeg.sh';

function binary(name: 'ffmpeg' | 'ffprobe'): string {
	const configured = process.env.WAN_VACE_FFMPEG as string | undefined;
	const file = configured ? path.join(path.dirname(configured), name) : `/usr/bin/${name}`;
	let found = true;
	try {
		fs.accessSync(file, fs.constants.X_OK);
	} catch {
		found = false;
	}
	if (!found) throw new Error(`${NOT_FOUND} (${file} is missing)`);
	return file;
}

export const ffmpegPath = (): string => binary('ffmpeg');
export const ffprobePath = (): string => binary('ffprobe');

/** Runs `use` on a temporary file holding `data`, then removes it. */
export function withTempFile<T>(data: Uint8Array, extension: string, use: (file: string) => T): T {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wan-vace-mask-'));
	const file = path.join(dir, `input.${extension}`);
	try {
		fs.writeFileSync(file, data);
		return use(file);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

/** Every frame decoded by ffmpeg as 8-bit gray, concatenated (width × height bytes each). */
export function decodeGray(data: Uint8Array, extension: 'mp4' | 'png'): Buffer {
	const ffmpeg = ffmpegPath();
	return withTempFile(data, extension, (file) =>
		childProcess.execFileSync(ffmpeg, ['-v', 'error', '-i', file, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], {
			maxBuffer: 1024 * 1024 * 1024,
			stdio: ['ignore', 'pipe', 'pipe'],
		}),
	);
}

export interface ProbedStream {
	codec_name?: string;
	profile?: string;
	pix_fmt?: string;
	color_range?: string;
	width?: number;
	height?: number;
	r_frame_rate?: string;
	avg_frame_rate?: string;
	nb_frames?: string;
	nb_read_frames?: string;
	level?: number;
	[key: string]: unknown;
}

/** ffprobe's streams (frames counted by decoding: nb_read_frames) and format. */
export function ffprobe(data: Uint8Array, extension: 'mp4' | 'png'): { streams: ProbedStream[]; format: Record<string, unknown> } {
	const ffprobe = ffprobePath();
	return withTempFile(data, extension, (file) => {
		const out = childProcess.execFileSync(ffprobe, ['-v', 'error', '-count_frames', '-show_streams', '-show_format', '-of', 'json', file], {
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		return JSON.parse(out);
	});
}

/** ffmpeg's own errors and warnings while decoding (empty when the stream is clean). */
export function decodeWarnings(data: Uint8Array, extension: 'mp4' | 'png'): string {
	const ffmpeg = ffmpegPath();
	return withTempFile(data, extension, (file) => {
		const run = childProcess.spawnSync(ffmpeg, ['-v', 'warning', '-xerror', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
		return `${run.stderr ?? ''}${run.status === 0 ? '' : `exit ${run.status}`}`.trim();
	});
}
