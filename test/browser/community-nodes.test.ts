/**
 * A self-hosted user installs the package from Settings → Community Nodes in the real editor
 * (n8n 2.41.1, Chromium), from a registry: the local Verdaccio of the e2e tests holding what
 * `npm publish` would send (test/e2e/n8n/registry.ts), with n8n's one licence answer for custom
 * registries lifted (test/e2e/n8n/custom-registry-licence.js; users install from npmjs.org, where
 * the check does not apply). Nothing is preinstalled. Install → the node in the nodes panel → a
 * workflow with it runs against the simulator and writes its video → a new version is published:
 * Update → the new build is loaded → Uninstall → the node is gone from the panel and the workflow
 * shows it as not installed. With WAN_VACE_SCREENSHOTS=1 the install dialog and the installed
 * package are written to docs/.
 */
import { CommunityNodes, type CommunitySetup, describeBuild, footprint, startCommunitySetup, waitForDescription } from '../e2e/community-packages';
import { EXAMPLE_FILES, loadExample } from '../e2e/examples';
import { PACKAGE_NAME, WAN_VACE_NODE_TYPE } from '../e2e/n8n';
import { log, path, process, repoRoot } from '../support/node';
import { type BrowserSession, launchBrowser } from './chromium';
import { Editor, NODE_DISPLAY_NAME, eventually } from './editor';

const SETUP_TIMEOUT_MS = 30 * 60_000;
const TEST_TIMEOUT_MS = 8 * 60_000;
const V1 = '0.1.1';
const V2 = '0.1.2';

describe('Settings → Community Nodes in the editor: install, update, uninstall from a registry', () => {
	let setup: CommunitySetup;
	let browser: BrowserSession;
	let editor: Editor;
	const timings: string[] = [];

	beforeAll(async () => {
		setup = await startCommunitySetup(V1, { logLevel: 'warn' });
		browser = await launchBrowser();
		editor = new Editor(browser.page, setup.server.baseUrl);
		await editor.signIn(setup.n8n.ownerLogin.email, setup.n8n.ownerLogin.secret);
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await browser?.close();
		await setup?.dispose();
		if (timings.length) log(`community-nodes (browser): ${timings.join('; ')}`);
	}, 120_000);

	async function step(name: string, body: () => Promise<void>): Promise<void> {
		const started = Date.now();
		const failure = await body()
			.then(() => expect(browser.takePageErrors()).toEqual([]))
			.then(
				() => undefined,
				(error: unknown) => error ?? new Error(`step "${name}" failed`),
			);
		timings.push(`${name} ${((Date.now() - started) / 1000).toFixed(1)} s`);
		if (failure === undefined) return;
		log(`browser step "${name}" failed; screenshot: ${await browser.failureScreenshot(`community-${name}`)}`);
		await Promise.reject(failure);
	}

	async function docsScreenshot(file: string): Promise<void> {
		if (process.env.WAN_VACE_SCREENSHOTS !== '1') return;
		await editor.page.screenshot({ path: path.join(repoRoot, 'docs', file) });
	}

	const card = () => editor.byId('community-package-card').filter({ hasText: PACKAGE_NAME });
	/** The empty state's "Install a community node", or the header's "Install" once a package is installed. */
	const installButton = () => editor.page.getByRole('button', { name: /^Install( a community node)?$/ }).first();

	async function openCommunityNodes(): Promise<void> {
		await editor.page.goto(`${setup.server.baseUrl}/settings/community-nodes`);
		// The settings page loads its own bundle on the first visit: slow on a busy machine.
		await installButton().or(card()).first().waitFor({ timeout: 60_000 });
	}

	async function searchPanel(word: string): Promise<string[]> {
		await editor.newWorkflow();
		await editor.addFirstTrigger('Trigger manually');
		await editor.openNodesPanel();
		return await editor.searchNodes(word, NODE_DISPLAY_NAME);
	}

	it(
		'installs, runs, updates, runs the new version and uninstalls through the screen',
		async () => {
			await step('install', async () => {
				await openCommunityNodes();
				await installButton().click();
				await editor.byId('communityPackageInstall-modal').locator('input').first().fill(PACKAGE_NAME);
				await editor.byId('user-agreement-checkbox').click();
				await docsScreenshot('community-nodes-install.png');
				await editor.byId('install-community-package-button').click();
				await card().waitFor({ timeout: 120_000 });
				await eventually(async () => await card().innerText(), (text) => text.includes(`v${V1}`) && text.includes(NODE_DISPLAY_NAME), 'the package card');
				await editor.byId('communityPackageInstall-modal').waitFor({ state: 'hidden' });
				await docsScreenshot('community-nodes-installed.png');
				expect(footprint(setup.n8n).packages).toEqual([PACKAGE_NAME]);
			});

			await step('node in the panel', async () => {
				expect(await searchPanel('wan')).toContain(NODE_DISPLAY_NAME);
			});

			await step('run v1', setup.runExample);

			await step('update', async () => {
				await setup.registry.publish(setup.tarball, { version: V2, edit: describeBuild(`build ${V2}`) });
				await openCommunityNodes();
				await card().getByRole('button', { name: 'Update' }).click();
				await editor.byId('communityPackageManageConfirm-modal').getByRole('button', { name: 'Confirm update' }).click();
				await eventually(async () => await card().innerText(), (text) => text.includes(`v${V2}`), 'the updated package card', 120_000);
				await waitForDescription(setup.server, WAN_VACE_NODE_TYPE, (description) => (description ?? '').endsWith(`[build ${V2}]`));
			});

			await step('run v2', setup.runExample);

			const workflowId = await setup.n8n.importWorkflow(loadExample(EXAMPLE_FILES.generateAndSave, { pollIntervalSeconds: 0.5, checkInputs: false }));
			await step('uninstall', async () => {
				await openCommunityNodes();
				await card().getByTestId('action-toggle').click();
				await editor.byId('action-uninstall').click();
				await editor.byId('communityPackageManageConfirm-modal').getByRole('button', { name: 'Confirm uninstall' }).click();
				await card().waitFor({ state: 'detached', timeout: 120_000 });
				expect(await new CommunityNodes(setup.server).list()).toEqual([]);
				expect(await searchPanel('wan')).not.toContain(NODE_DISPLAY_NAME);
				await editor.openWorkflow(workflowId);
				await editor.byId('node-not-installed').first().waitFor();
			});
		},
		TEST_TIMEOUT_MS,
	);
});
