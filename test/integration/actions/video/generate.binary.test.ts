import { N8N_USER_FOLDER } from '../../../harness/env';
import { generateParameters, runAgainst, submits, useSimulator } from '../../../harness/fixtures';
import { fs, path } from '../../../support/node';
import { sampleVideoBytes } from '../../../simulator';

const simulator = useSimulator({ generationMs: 200 });

const dataUri = (mime: string, bytes: Buffer) => `data:${mime};base64,${bytes.toString('base64')}`;

/** The simulator's log cuts strings to 64 KiB; the generation it created keeps the whole body. */
const logged = (text: string) => (text.length <= 65536 ? text : `${text.slice(0, 65536)}…[${text.length - 65536} more characters]`);

function createdBody(sim: ReturnType<ReturnType<typeof useSimulator>>): Record<string, unknown> {
	const generations = [...sim.generations.values()];
	expect(generations).toHaveLength(1);
	return generations[0].body as Record<string, unknown>;
}

/** Content-Length of the JSON the whole data: URI made (the body as received, re-serialized). */
const jsonLength = (body: Record<string, unknown>) => Buffer.byteLength(JSON.stringify(body));

/** Pseudo-random bytes (base64 of every residue, no long runs). */
function bytesOf(length: number, seed: number): Buffer {
	const bytes = Buffer.alloc(length);
	let state = seed >>> 0;
	for (let index = 0; index < length; index++) {
		state = (state * 1103515245 + 12345) >>> 0;
		bytes[index] = state >>> 24;
	}
	return bytes;
}

function storedFilesOfSize(bytes: number, folder = N8N_USER_FOLDER): string[] {
	return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(folder, entry.name);
		if (entry.isDirectory()) return storedFilesOfSize(bytes, full);
		return entry.isFile() && !entry.name.endsWith('.metadata') && fs.statSync(full).size === bytes ? [full] : [];
	});
}

const binaryParameters = generateParameters({ videoSource: 'binary', maskSource: 'url' });

describe('Generate with binary inputs, streamed', () => {
	it.each([0, 1, 2, 3, 4].map((extra) => 3 * 100_000 + extra))(
		'a %i-byte stored file arrives as the very data: URI the whole file made, with an exact Content-Length',
		async (length) => {
			const sim = simulator();
			const video = bytesOf(length, length);
			const result = await runAgainst(sim, {
				items: [{ json: {}, binary: { data: { data: video, mimeType: 'video/mp4', fileName: 'clip.mp4' } } }],
				parameters: binaryParameters,
			});
			expect(result.error).toBeUndefined();
			const [submit] = submits(sim);
			expect(submit.status).toBe(201);
			const body = createdBody(sim);
			expect(body.video_url === dataUri('video/mp4', video)).toBe(true);
			expect(Number(submit.headers['content-length'])).toBe(jsonLength(body));
		},
	);

	it.each([
		['filesystem', false],
		['memory', true],
	])('10 MB in %s mode, retried after two 503s: every attempt sends the whole body anew', async (_mode, inline) => {
		const sim = simulator();
		sim.addFault({ route: 'submit', kind: 'status', status: 503, times: 2 });
		const video = bytesOf(10 * 1024 * 1024 + 1, 11);
		const result = await runAgainst(sim, {
			items: [{ json: {}, binary: { data: { data: video, mimeType: 'video/mp4', fileName: 'clip.mp4', inline } } }],
			parameters: binaryParameters,
		});
		expect(result.error).toBeUndefined();
		const attempts = submits(sim);
		expect(attempts.map((entry) => entry.status)).toEqual([503, 503, 201]);
		const expected = dataUri('video/mp4', video);
		const body = createdBody(sim);
		expect(body.video_url === expected).toBe(true);
		for (const attempt of attempts) {
			// Each attempt carried a whole body: it parsed, its start is the file's, its length is exact.
			expect((attempt.body as Record<string, unknown>).video_url).toBe(logged(expected));
			expect(Number(attempt.headers['content-length'])).toBe(jsonLength(body));
		}
		expect(result.items[0].json.settings).toMatchObject({ video_url: 'data:video/mp4;base64 (10.0 MB)' });
	});

	it('a file cut short between attempts fails its item, naming the field, as not submitted', async () => {
		const sim = simulator();
		const length = 3 * 333_333 + 2;
		const video = bytesOf(length, 5);
		sim.addFault({
			route: 'submit',
			kind: 'status',
			status: 503,
			times: 1,
			match: () => {
				// The stored file loses its second half after the first attempt has read it.
				for (const file of storedFilesOfSize(length)) fs.truncateSync(file, Math.floor(length / 2));
				return true;
			},
		});
		const result = await runAgainst(sim, {
			items: [{ json: {}, binary: { data: { data: video, mimeType: 'video/mp4', fileName: 'clip.mp4' } } }],
			parameters: generateParameters({ videoSource: 'binary', runOptions: { pollIntervalSeconds: 0.5, requestTimeoutSeconds: 5, checkInputs: false } }),
			continueOnFail: true,
		});
		expect(sim.generations.size).toBe(0);
		const json = result.items[0].json as { error?: string; description?: string; generationId?: string };
		expect(json.error).toBe('Video Binary Property (video_url): binary property "data" could not be read while it was being sent');
		expect(json.description).toContain(`it ended after ${Math.floor(length / 2)} of its ${length} bytes`);
		expect(json.description).toContain('no generation was created and nothing was charged');
		expect(json.generationId).toBeUndefined();
	});

	it('does not follow a redirect with a streamed body (its follower would keep the whole body): the item fails, nothing created', async () => {
		const sim = simulator();
		sim.addFault({ route: 'submit', kind: 'redirect', times: 1 });
		const result = await runAgainst(sim, {
			items: [{ json: {}, binary: { data: { data: bytesOf(3000, 3), mimeType: 'video/mp4', fileName: 'clip.mp4' } } }],
			parameters: generateParameters({ videoSource: 'binary', runOptions: { checkInputs: false } }),
			continueOnFail: true,
		});
		expect(submits(sim).map((entry) => entry.status)).toEqual([307]);
		expect(sim.generations.size).toBe(0);
		const json = result.items[0].json as { error?: string; description?: string };
		expect(json.error).toContain('HTTP 307');
		expect(json.description).toContain('Set the Base URL in the credential to the address the API redirects to');
	});

	it('Mask Source = Regions over a binary source: the mask is drawn from its header, the source streamed, both summarised', async () => {
		const sim = simulator();
		const video = sampleVideoBytes();
		const parameters = generateParameters({ videoSource: 'binary', maskSource: 'regions', maskRegionsInput: 'json', maskRegionsJson: '[{"shape":"rectangle","left":0,"top":0,"width":50,"height":50}]' });
		delete parameters.maskUrl;
		const result = await runAgainst(sim, {
			items: [{ json: {}, binary: { data: { data: video, mimeType: 'video/mp4', fileName: 'sample.mp4' } } }],
			parameters,
		});
		expect(result.error).toBeUndefined();
		const body = createdBody(sim);
		expect(body.video_url === dataUri('video/mp4', video)).toBe(true);
		expect(String(body.mask_video_url)).toMatch(/^data:video\/mp4;base64,AAAA/);
		expect(result.items[0].json.settings).toMatchObject({
			video_url: `data:video/mp4;base64 (${(video.length / 1024).toFixed(1)} KB)`,
			mask_video_url: expect.stringMatching(/^data:video\/mp4;base64 \(\d+\.\d KB\)$/),
		});
	});

	it('refuses a missing binary property and an empty file before anything is sent', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, {
			items: [
				{ json: {}, binary: { other: { data: bytesOf(30, 1), mimeType: 'video/mp4', fileName: 'clip.mp4' } } },
				{ json: {}, binary: { data: { data: Buffer.alloc(0), mimeType: 'video/mp4', fileName: 'empty.mp4', inline: true } } },
			],
			parameters: binaryParameters,
			continueOnFail: true,
		});
		expect(submits(sim)).toHaveLength(0);
		expect(result.items.map((item) => item.json.error)).toEqual([
			'Video Binary Property (video_url): the input item has no binary property "data"',
			'Video Binary Property (video_url): binary property "data" is empty (0 bytes)',
		]);
	});
});
