/**
 * One user's session in the real editor, shared by the steps of a browser test file: the
 * simulator as AI/ML API, a real n8n with this package installed from its tarball, Chromium
 * signed in. `step()` times each step, fails it on any uncaught page error, and leaves a
 * screenshot in test-results/browser/ when it fails. With WAN_VACE_SCREENSHOTS=1
 * (`npm run screenshots`) `docsScreenshot()` writes the README's pictures into docs/.
 */
import type { Locator } from 'playwright-core';

import { createN8nEnvironment, ensureN8n, packPackage, type N8nEnvironment, type N8nServer } from '../e2e/n8n';
import { startSimulator, type Simulator } from '../simulator';
import { fsp, log, path, process, repoRoot } from '../support/node';
import { type BrowserSession, launchBrowser } from './chromium';
import { Editor } from './editor';

export const SETUP_TIMEOUT_MS = 30 * 60_000;
export const STEP_TIMEOUT_MS = 3 * 60_000;
const DOCS_DIR = path.join(repoRoot, 'docs');

export interface EditorSession {
	sim: Simulator;
	n8n: N8nEnvironment;
	server: N8nServer;
	browser: BrowserSession;
	editor: Editor;
}

export interface SessionHandle {
	get(): EditorSession;
	step(name: string, body: (session: EditorSession) => Promise<void>): Promise<void>;
	docsScreenshot(file: string, locator?: Locator): Promise<void>;
}

/** Registers beforeAll/afterAll for a signed-in editor session and returns its handle. */
export function useEditorSession(opts: { signIn?: boolean } = {}): SessionHandle {
	let session: EditorSession | undefined;
	const timings: Array<{ step: string; ms: number }> = [];

	beforeAll(async () => {
		await ensureN8n();
		const tarball = await packPackage();
		const sim = await startSimulator({ generationMs: 1500 });
		const n8n = await createN8nEnvironment({ tarball, logLevel: 'warn' });
		session = { sim, n8n, server: undefined as unknown as N8nServer, browser: undefined as unknown as BrowserSession, editor: undefined as unknown as Editor };
		session.server = await n8n.startServer();
		session.browser = await launchBrowser();
		session.editor = new Editor(session.browser.page, session.server.baseUrl);
		if (opts.signIn !== false) await session.editor.signIn(n8n.ownerLogin.email, n8n.ownerLogin.secret);
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await session?.browser?.close();
		await session?.n8n.dispose();
		await session?.sim.close();
		if (timings.length) log(`browser steps (${path.basename(expect.getState().testPath ?? '')}):\n${timings.map((t) => `  ${(t.ms / 1000).toFixed(1).padStart(6)} s  ${t.step}`).join('\n')}`);
	}, 120_000);

	const get = (): EditorSession => {
		if (!session?.editor) throw new Error('the editor session did not start (see beforeAll)');
		return session;
	};

	return {
		get,
		async step(name, body) {
			const current = get();
			const started = Date.now();
			const failure = await body(current)
				.then(() => expect(current.browser.takePageErrors()).toEqual([]))
				.then(
					() => undefined,
					(error: unknown) => error ?? new Error(`step "${name}" failed`),
				);
			timings.push({ step: name, ms: Date.now() - started });
			if (failure === undefined) return;
			const shot = await current.browser.failureScreenshot(name);
			log(`browser step "${name}" failed; screenshot: ${shot}`);
			await Promise.reject(failure);
		},
		async docsScreenshot(file, locator) {
			if (process.env.WAN_VACE_SCREENSHOTS !== '1') return;
			await fsp.mkdir(DOCS_DIR, { recursive: true });
			const to = path.join(DOCS_DIR, file);
			if (locator) await locator.screenshot({ path: to });
			else await get().editor.page.screenshot({ path: to });
		},
	};
}
