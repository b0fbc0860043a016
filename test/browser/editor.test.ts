/**
 * A new user meets the node in the real n8n editor (n8n 2.41.1, Chromium): finds it in the
 * nodes panel, adds it after a trigger, creates the AI/ML API credential in its dialog, sets
 * the parameters and runs Execute step against the simulator. The steps run in order on one
 * page, like one user's session; everything is checked on the page.
 */
import { WanVaceInpaint } from '../../nodes/WanVace/WanVaceInpaint.node';
import { crypto } from '../support/node';
import { Editor, NODE_DISPLAY_NAME, eventually } from './editor';
import { STEP_TIMEOUT_MS, useEditorSession } from './session';

/** The words a user types into the nodes panel to find this node. */
export const SEARCH_WORDS = ['Wan VACE Inpaint', 'wan', 'vace', 'inpaint', 'video', 'mask', 'ai/ml', 'aimlapi'];

const description = new WanVaceInpaint().description;
function collectionNames(name: string, operation: string): string[] {
	const collection = description.properties.find(
		(property) => property.name === name && (property.displayOptions?.show?.operation ?? []).includes(operation),
	);
	return (collection?.options ?? []).map((option) => ('displayName' in option ? option.displayName : option.name)).sort();
}

const session = useEditorSession();
const { step } = session;
const editor = (): Editor => session.get().editor;

describe('the n8n editor with Wan VACE Inpaint installed', () => {
	it(
		'lists the node in the nodes panel for each word users search',
		async () => {
			await step('find the node in the nodes panel', async () => {
				await editor().newWorkflow();
				await editor().addFirstTrigger('Trigger manually');
				await editor().openNodesPanel();
				const missing: Record<string, string[]> = {};
				for (const word of SEARCH_WORDS) {
					const names = await editor().searchNodes(word, NODE_DISPLAY_NAME);
					if (!names.includes(NODE_DISPLAY_NAME)) missing[word] = names.slice(0, 8);
				}
				expect(missing).toEqual({});
				await editor().searchNodes('wan', NODE_DISPLAY_NAME);
				await session.docsScreenshot('nodes-panel-search.png');
			});
		},
		STEP_TIMEOUT_MS,
	);

	it(
		'adds the node after the trigger, with its three actions',
		async () => {
			await step('add the node after the trigger', async () => {
				await editor().nodeCreatorItem(NODE_DISPLAY_NAME).click();
				const actions = await eventually(
					async () => await editor().byId('node-creator').getByTestId('node-creator-item-name').allInnerTexts(),
					(list) => list.includes('Generate an inpainted video'),
					'the actions of the node',
				);
				expect(actions).toEqual(expect.arrayContaining(['Generate an inpainted video', 'Get a generation', 'Submit a generation']));
				await editor().nodeCreatorItem('Generate an inpainted video').click();
				await editor().ndv().waitFor();
				await editor().parameter('prompt').waitFor();
			});
		},
		STEP_TIMEOUT_MS,
	);

	it(
		'creates the AI/ML API credential in its dialog: a wrong key shows the 401 message, the right one connects',
		async () => {
			await step('create the credential', async ({ sim }) => {
				await editor().createCredentialFromNdv();
				const wrongKey = ['sk', 'wrong', crypto.randomBytes(8).toString('hex')].join('-');
				await editor().fillCredential({ apiKey: wrongKey, baseUrl: sim.baseUrl });
				const failed = await editor().saveCredentialExpectingFailure();
				expect(failed).toMatch(/AI\/ML API rejected the API key \(HTTP 401\)/);
				expect(failed).not.toContain(wrongKey);
				await editor().fillCredential({ apiKey: sim.apiKey });
				await editor().saveCredentialExpectingSuccess();
				expect(await editor().selectedCredential()).toMatch(/AI\/ML/);
				expect((await editor().notifications()).join('\n')).not.toContain(sim.apiKey);
			});
		},
		STEP_TIMEOUT_MS,
	);

	it(
		'switches the source fields between URL and binary, and the mask between video and image',
		async () => {
			await step('parameters: sources and mask type', async () => {
				const visible = async (name: string) => await editor().parameter(name).isVisible();
				expect(await visible('videoUrl')).toBe(true);
				expect(await visible('videoBinaryProperty')).toBe(false);
				await editor().selectOption('videoSource', 'Binary File');
				await editor().parameter('videoBinaryProperty').waitFor();
				expect(await visible('videoUrl')).toBe(false);
				await editor().selectOption('videoSource', 'URL');
				await editor().parameter('videoUrl').waitFor();

				await editor().selectOption('maskSource', 'Binary File');
				await editor().parameter('maskBinaryProperty').waitFor();
				expect(await visible('maskUrl')).toBe(false);
				await editor().selectOption('maskSource', 'URL');
				await editor().parameter('maskUrl').waitFor();

				// Regions: the node draws the mask; fields or JSON, then Invert and Grow.
				const addRegion = editor().ndv().getByText('Add Region', { exact: true });
				await editor().selectOption('maskSource', 'Regions');
				try {
					await editor().parameter('maskRegionsInput').waitFor();
					expect(await visible('maskUrl')).toBe(false);
					expect(await visible('maskInvert')).toBe(true);
					expect(await visible('maskGrow')).toBe(true);
					await addRegion.waitFor();
					expect(await visible('maskRegionsJson')).toBe(false);
					await editor().selectOption('maskRegionsInput', 'JSON');
					await editor().parameter('maskRegionsJson').waitFor();
					expect(await addRegion.isVisible()).toBe(false);
					await session.docsScreenshot('node-mask-regions.png', editor().ndv());
				} finally {
					await editor().selectOption('maskSource', 'URL');
					await editor().parameter('maskUrl').waitFor();
				}

				await editor().selectOption('maskType', 'Mask Image');
				await editor().selectOption('maskType', 'Mask Video');
			});
		},
		STEP_TIMEOUT_MS,
	);

	it(
		'lists every API option under Add Option and every run option under Add Run Option',
		async () => {
			await step('Add Option and Add Run Option', async () => {
				expect((await editor().collectionOptions('Add Option')).sort()).toEqual(collectionNames('options', 'generate'));
				expect((await editor().collectionOptions('Add Run Option')).sort()).toEqual(collectionNames('runOptions', 'generate'));
			});
		},
		STEP_TIMEOUT_MS,
	);

	it(
		'runs Execute step: the output panel shows the generation, then the MP4 as binary',
		async () => {
			await step('Execute step', async ({ sim }) => {
				await editor().fillParameter('prompt', 'A red vintage convertible drives along the coast road');
				// The simulator's input host serves them: the input checks (on by default) read them there.
				await editor().fillParameter('videoUrl', sim.inputUrl('sample.mp4'));
				await editor().fillParameter('maskUrl', sim.inputUrl('mask.mp4'));
				await editor().addCollectionOption('Add Run Option', 'Download Video');
				await editor().switchOn('downloadVideo');
				await editor().addCollectionOption('Add Run Option', 'Poll Interval (Seconds)');
				await editor().fillParameter('pollIntervalSeconds', '1');
				await session.docsScreenshot('node-parameters.png', editor().ndv());
				const created = sim.counters().acceptedPosts;

				await editor().executeStep();
				const output = editor().outputPanel();
				await output.getByTestId('ndv-binary-data_0').waitFor({ timeout: 60_000 });
				const binary = await output.innerText();
				expect(binary).toMatch(/video\/mp4/);
				expect(binary).toMatch(/\.mp4/);
				await session.docsScreenshot('node-output-binary.png', editor().ndv());

				const json = await editor().outputJson();
				expect(json).toMatch(/"generationId":\s*"[0-9a-f-]{36}:alibaba\/wan2\.2-vace-fun-a14b-inpainting"/);
				expect(json).toMatch(/"videoUrl":\s*"http:\/\/127\.0\.0\.1:\d+\/files\//);
				expect(json).toMatch(/"creditsUsed":\s*\d+/);
				expect(json).toMatch(/"inputs":/);
				expect(sim.inputLog.map((entry) => entry.path)).toEqual(expect.arrayContaining(['/inputs/sample.mp4', '/inputs/mask.mp4']));
				expect(sim.counters().acceptedPosts).toBe(created + 1);
				await output.getByTestId('radio-button-table').click();
				await session.docsScreenshot('node-output.png', editor().ndv());
			});
		},
		STEP_TIMEOUT_MS,
	);
});
