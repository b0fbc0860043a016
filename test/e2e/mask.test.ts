/**
 * A mask drawn by the node (issue 18), end to end in a real n8n 2.x (test/e2e/n8n/): Manual
 * Trigger → Wan VACE Inpaint with Mask Source = Regions from JSON and Include Mask in Output,
 * run through `n8n execute` against the simulator in this jest process. The mask the API
 * received is decoded with ffmpeg and compared pixel for pixel with the geometry; the output
 * item carries the same file as binary `mask`. Never skipped: beforeAll installs n8n if needed.
 */
import { AIML_API_CREDENTIAL_TYPE, WAN_VACE_NODE_TYPE, createN8nEnvironment, ensureN8n, packPackage, type N8nEnvironment, type WorkflowImport } from './n8n';
import { EXAMPLE_CREDENTIAL, exampleCredential } from './examples';
import { startSimulator, type ProbedMedia, type Simulator } from '../simulator';
import { decodeGray } from '../support/ffmpeg';
import { fs, fsp, path } from '../support/node';
import { type ReferenceRegion, firstDifference, referenceVideo } from '../integration/mask/reference';

const INSTALL_TIMEOUT_MS = 30 * 60_000;
const BOOT_TIMEOUT_MS = 3 * 60_000;
const RUN_TIMEOUT_MS = 2 * 60_000;
const WORKFLOW_ID = 'e2eRegionsMask01';

/** The README's example: a logo in the top-right corner for the whole video. */
const LOGO: ReferenceRegion[] = [{ shape: 'rectangle', left: 78, top: 4, width: 18, height: 12 }];

function regionsWorkflow(sim: Simulator): WorkflowImport {
	return {
		id: WORKFLOW_ID,
		name: 'e2e: mask drawn from regions',
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
			{
				name: 'Wan VACE Inpaint',
				type: WAN_VACE_NODE_TYPE,
				typeVersion: 1,
				parameters: {
					prompt: 'a clear blue sky, no logo',
					videoUrl: sim.inputUrl('sample.mp4'),
					maskSource: 'regions',
					maskRegionsInput: 'json',
					maskRegionsJson: JSON.stringify(LOGO),
					runOptions: { includeMaskInOutput: true, pollIntervalSeconds: 0.5 },
				},
				credentials: { [AIML_API_CREDENTIAL_TYPE]: EXAMPLE_CREDENTIAL },
			},
		],
		connections: { Start: { main: [[{ node: 'Wan VACE Inpaint', type: 'main', index: 0 }]] } },
	};
}

describe('a regions mask in a real n8n', () => {
	let n8n: N8nEnvironment;
	let sim: Simulator;
	let tarball: string | undefined;

	beforeAll(async () => {
		await ensureN8n();
		tarball = await packPackage();
		sim = await startSimulator({ generationMs: 1000 });
		n8n = await createN8nEnvironment({ tarball });
		await n8n.importCredentials([exampleCredential({ apiKey: sim.apiKey, baseUrl: sim.baseUrl })]);
		await n8n.importWorkflows([regionsWorkflow(sim)]);
	}, INSTALL_TIMEOUT_MS);

	afterAll(async () => {
		await n8n?.dispose();
		await sim?.close();
		if (tarball) await fsp.rm(path.dirname(tarball), { recursive: true, force: true });
	}, BOOT_TIMEOUT_MS);

	test(
		'draws the mask from JSON, sends it inline at the source format, and outputs it as binary "mask"',
		async () => {
			const result = await n8n.execute(WORKFLOW_ID);
			expect(result.error).toBeUndefined();
			expect(result.status).toBe('success');

			const records = [...sim.generations.values()];
			expect(records).toHaveLength(1);
			const received = String(records[0].body.mask_video_url);
			expect(received.startsWith('data:video/mp4;base64,')).toBe(true);
			const bytes = Buffer.from(received.slice('data:video/mp4;base64,'.length), 'base64');
			const expected = referenceVideo(LOGO, { width: 64, height: 64, fpsNum: 16, fpsDen: 1, frameCount: 16 });
			expect(firstDifference(decodeGray(bytes, 'mp4'), expected, 64, 64)).toBeUndefined();
			const { mask, source } = records[0].maskProbe as { mask: ProbedMedia; source: ProbedMedia };
			expect([mask.width, mask.height, mask.frames, mask.frameRate]).toEqual([source.width, source.height, source.frames, source.frameRate]);

			const [item] = result.items('Wan VACE Inpaint');
			expect(item.json).toMatchObject({
				status: 'completed',
				settings: { mask_video_url: expect.stringMatching(/^data:video\/mp4;base64 \(/) },
				inputs: { mask_video_url: { drawnFrom: 'regions', width: 64, height: 64, frames: 16, bytes: bytes.length } },
			});
			const binary = item.binary?.mask;
			expect(binary).toMatchObject({ mimeType: 'video/mp4', fileName: 'mask.mp4', bytes: bytes.length });
			const stored = binary?.filePath ? fs.readFileSync(binary.filePath) : Buffer.from(binary?.data ?? '', 'base64');
			expect(stored.equals(bytes)).toBe(true);
		},
		RUN_TIMEOUT_MS,
	);
});
