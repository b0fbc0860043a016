import { childProcess, clearInterval, events, fs, process, setInterval } from '../support/node';
import {
	FRAME_JPG_PATH,
	FRAME_PNG_PATH,
	MASK_VIDEO_PATH,
	SAMPLE_VIDEO_PATH,
	largeVideoBytes,
	sampleVideoBytes,
	startSimulator,
	type Simulator,
} from './index';
import { client, pollUntilDone, rawRequest, submitId } from './test-helpers';

const MB = 1024 * 1024;

/** The size and type of the first MP4 box. */
function firstBox(bytes: Buffer): { size: number; type: string; brand: string } {
	return {
		size: bytes.readUInt32BE(0),
		type: bytes.toString('latin1', 4, 8),
		brand: bytes.toString('latin1', 8, 12),
	};
}

/** Downloads url in a child process that counts the bytes and keeps the first 64. */
const DOWNLOADER = `
const http = require('node:http');
http.get(process.argv[1], { agent: false }, (response) => {
	let bytes = 0;
	let head = Buffer.alloc(0);
	response.on('data', (chunk) => {
		if (head.length < 64) head = Buffer.concat([head, chunk]).subarray(0, 64);
		bytes += chunk.length;
	});
	response.on('end', () => {
		process.stdout.write(JSON.stringify({ status: response.statusCode, contentLength: response.headers['content-length'], bytes, head: head.toString('hex') }));
	});
});
`;

interface DownloadSummary {
	status: number;
	contentLength: string;
	bytes: number;
	head: string;
}

/**
 * Downloads url in a child process (so the client's buffers are not counted) while
 * sampling this process's RSS, which then measures the simulator's memory.
 */
async function downloadMeasuringRss(url: string): Promise<{ summary: DownloadSummary; rssGrowth: number }> {
	const rssBefore = process.memoryUsage.rss();
	let peakRss = rssBefore;
	const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 20);
	try {
		const child = childProcess.spawn(process.execPath, ['-e', DOWNLOADER, url], {
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
		const [code] = (await events.once(child, 'close')) as [number];
		expect(code).toBe(0);
		return { summary: JSON.parse(output) as DownloadSummary, rssGrowth: peakRss - rssBefore };
	} finally {
		clearInterval(sampler);
	}
}

describe('simulator: media fixtures and result files', () => {
	let sim: Simulator;

	beforeAll(async () => {
		sim = await startSimulator({ generationMs: 0 });
	});
	afterAll(async () => {
		await sim.close();
	});
	beforeEach(() => {
		sim.reset();
		sim.options.generationMs = 0;
		sim.options.videoSizeBytes = sampleVideoBytes().length;
	});

	it('ships small real media fixtures', () => {
		for (const file of [SAMPLE_VIDEO_PATH, MASK_VIDEO_PATH, FRAME_PNG_PATH, FRAME_JPG_PATH]) {
			const size = fs.statSync(file).size;
			expect(size).toBeGreaterThan(100);
			expect(size).toBeLessThan(20 * 1024);
		}
		for (const file of [SAMPLE_VIDEO_PATH, MASK_VIDEO_PATH]) {
			expect(firstBox(fs.readFileSync(file))).toMatchObject({ type: 'ftyp', brand: 'isom' });
		}
		expect(fs.readFileSync(FRAME_PNG_PATH).subarray(0, 8)).toEqual(Buffer.from('89504e470d0a1a0a', 'hex'));
		expect(fs.readFileSync(FRAME_JPG_PATH).subarray(0, 3)).toEqual(Buffer.from('ffd8ff', 'hex'));
	});

	it('serves the MP4 fixture without auth, with exact Content-Length matching file_size', async () => {
		const id = await submitId(sim);
		const { data } = await pollUntilDone(sim, id);
		const file = await client(sim, false).get(data.video.url, { responseType: 'arraybuffer' });
		const bytes = Buffer.from(file.data as ArrayBuffer);
		expect(file.status).toBe(200);
		expect(file.headers['content-type']).toBe('video/mp4');
		expect(Number(file.headers['content-length'])).toBe(bytes.length);
		expect(data.video.file_size).toBe(bytes.length);
		expect(bytes.equals(fs.readFileSync(SAMPLE_VIDEO_PATH))).toBe(true);
		expect(firstBox(bytes)).toEqual({ size: 32, type: 'ftyp', brand: 'isom' });

		const head = await rawRequest(data.video.url, { method: 'HEAD' });
		expect(head.status).toBe(200);
		expect(Number(head.headers?.['content-length'])).toBe(bytes.length);
		expect(head.body.length).toBe(0);
		expect(sim.counters().downloads).toBe(2);
	});

	it('answers 404 for files of unknown or unfinished generations', async () => {
		const unknown = await client(sim, false).get('/files/00000000-0000-4000-8000-000000000000.mp4');
		expect(unknown.status).toBe(404);
		sim.options.generationMs = 60_000;
		const id = await submitId(sim);
		const early = await client(sim, false).get(`/files/${id.split(':')[0]}.mp4`);
		expect(early.status).toBe(404);
	});

	it('generates large files of the configured size that start with an ftyp box', async () => {
		sim.options.videoSizeBytes = 200_000;
		const id = await submitId(sim);
		const { data } = await pollUntilDone(sim, id);
		expect(data.video.url).toBe(`${sim.baseUrl}/files/large/${id.split(':')[0]}.mp4`);
		expect(data.video.file_size).toBe(200_000);
		const file = await client(sim, false).get(data.video.url, { responseType: 'arraybuffer' });
		const bytes = Buffer.from(file.data as ArrayBuffer);
		expect(Number(file.headers['content-length'])).toBe(200_000);
		expect(file.headers['content-type']).toBe('video/mp4');
		expect(bytes.length).toBe(200_000);
		expect(firstBox(bytes)).toEqual({ size: 32, type: 'ftyp', brand: 'isom' });
		expect(bytes.toString('latin1', 36, 40)).toBe('mdat');
		expect(bytes.readUInt32BE(32)).toBe(200_000 - 32);
		expect(bytes.equals(largeVideoBytes(200_000))).toBe(true);
	});

	it('streams a 300 MB result without the simulator RSS growing by more than 50 MB', async () => {
		const size = 300 * MB;
		sim.options.videoSizeBytes = size;
		const id = await submitId(sim);
		const { data } = await pollUntilDone(sim, id);
		expect(data.video.file_size).toBe(size);
		const { summary, rssGrowth } = await downloadMeasuringRss(data.video.url);
		expect(summary.status).toBe(200);
		expect(Number(summary.contentLength)).toBe(size);
		expect(summary.bytes).toBe(size);
		expect(firstBox(Buffer.from(summary.head, 'hex')).type).toBe('ftyp');
		expect(rssGrowth).toBeLessThan(50 * MB);
	});
});
