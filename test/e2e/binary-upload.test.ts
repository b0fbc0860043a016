/**
 * Issue 19 in a real n8n 2.41.1 (N8N_VERSION=1.123.81: n8n 1.x): a 50 MB video read from
 * disk by n8n's own Read/Write Files node, submitted as a binary input. The body reaches the
 * simulator streamed (through n8n's request helper and axios, as n8n runs them), and is the
 * very data: URI of the whole file, in filesystem mode and in the default (memory) mode.
 */
import { createN8nEnvironment, ensureN8n, packPackage, type N8nEnvironment } from './n8n';
import { readAndSubmitWorkflow } from './binary-workflow';
import { exampleCredential } from './examples';
import { startSimulator, type Simulator } from '../simulator';
import { crypto, fs, fsp, path } from '../support/node';

const INSTALL_TIMEOUT_MS = 30 * 60_000;
const RUN_TIMEOUT_MS = 4 * 60_000;
const FILE_BYTES = 50 * 1000 * 1000;

describe('a 50 MB binary video submitted from a real n8n', () => {
	let sim: Simulator;
	let tarball: string;
	const file = crypto.randomBytes(FILE_BYTES);
	const expected = `data:video/mp4;base64,${file.toString('base64')}`;

	beforeAll(async () => {
		await ensureN8n();
		sim = await startSimulator({ generationMs: 500 });
		tarball = await packPackage();
	}, INSTALL_TIMEOUT_MS);

	afterAll(async () => {
		await sim?.close();
		if (tarball) await fsp.rm(path.dirname(tarball), { recursive: true, force: true });
	});

	it.each([
		['filesystem', 'filesystem'],
		['memory (default)', 'default'],
	])(
		'%s binary mode: the simulator receives the whole data: URI, streamed, with its exact Content-Length',
		async (_label, mode) => {
			const n8n: N8nEnvironment = await createN8nEnvironment({ tarball, env: { N8N_DEFAULT_BINARY_DATA_MODE: mode } });
			try {
				await n8n.importCredentials([exampleCredential({ apiKey: sim.apiKey, baseUrl: sim.baseUrl })]);
				fs.writeFileSync(path.join(n8n.filesDir, 'source.mp4'), file);
				const [id] = await n8n.importWorkflows([readAndSubmitWorkflow({ name: 'Binary upload (issue 19)', fileSelector: '.n8n-files/source.mp4', runOptions: { checkInputs: false, requestTimeoutSeconds: 120 } })]);
				// Through the server: `n8n execute` prints the whole run data (the 50 MB file) to stdout.
				await n8n.startServer();
				const before = sim.log.length;

				const result = await n8n.execute(id, { timeoutMs: RUN_TIMEOUT_MS });

				expect(result.nodeError('Wan VACE Inpaint')).toBeUndefined();
				expect(result.status).toBe('success');
				const submits = sim.log.slice(before).filter((entry) => entry.route === 'submit');
				expect(submits).toHaveLength(1);
				expect(submits[0].status).toBe(201);
				// The request log cuts strings; the generation keeps the whole body.
				const body = [...sim.generations.values()].pop()?.body as Record<string, unknown>;
				expect(body.video_url === expected).toBe(true);
				expect(Number(submits[0].headers['content-length'])).toBe(Buffer.byteLength(JSON.stringify(body)));
				expect(result.json('Wan VACE Inpaint')[0]).toMatchObject({ settings: { video_url: 'data:video/mp4;base64 (47.7 MB)' } });
			} finally {
				await n8n.dispose();
			}
		},
		INSTALL_TIMEOUT_MS,
	);
});
