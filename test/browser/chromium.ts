/**
 * Debian's Chromium (/usr/bin/chromium, installed by scripts/ensure-chromium.sh) driven by
 * playwright-core, headless. The network flags keep Chromium from calling Google's hosts,
 * which this machine's closed network refuses by the hundred. Selectors use n8n's own
 * `data-test-id` attributes (getByTestId).
 */
import { type Browser, type BrowserContext, type Page, chromium, selectors } from 'playwright-core';

import { childProcess, fsp, path, repoRoot } from '../support/node';

export const CHROMIUM_FLAGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-dev-shm-usage',
];

/** Where a failing step leaves its screenshot (beside the test log; CI keeps the folder). */
export const FAILURE_DIR = path.join(repoRoot, 'test-results', 'browser');

let testIdAttributeSet = false;

export function chromiumPath(): string {
	const out = childProcess.execFileSync('bash', [path.join(repoRoot, 'scripts', 'ensure-chromium.sh')], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
		timeout: 15 * 60_000,
	});
	return out.trim().split('\n').pop() ?? '/usr/bin/chromium';
}

export interface BrowserSession {
	browser: Browser;
	context: BrowserContext;
	page: Page;
	/** Uncaught errors of the page (pageerror events) since the last takePageErrors(). */
	takePageErrors(): string[];
	/** A screenshot into test-results/browser/<name>.png; returns its path. */
	failureScreenshot(name: string): Promise<string>;
	close(): Promise<void>;
}

export async function launchBrowser(): Promise<BrowserSession> {
	if (!testIdAttributeSet) {
		selectors.setTestIdAttribute('data-test-id');
		testIdAttributeSet = true;
	}
	// Playwright gives the browser a new empty profile in a temp folder of its own.
	const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_FLAGS });
	const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: false });
	context.setDefaultTimeout(20_000);
	const page = await context.newPage();
	let pageErrors: string[] = [];
	page.on('pageerror', (error) => pageErrors.push(`${error.name}: ${error.message}`));
	return {
		browser,
		context,
		page,
		takePageErrors() {
			const taken = pageErrors;
			pageErrors = [];
			return taken;
		},
		async failureScreenshot(name: string) {
			await fsp.mkdir(FAILURE_DIR, { recursive: true });
			const file = path.join(FAILURE_DIR, `${name.replace(/[^a-z0-9-]+/gi, '-').toLowerCase()}.png`);
			await page.screenshot({ path: file }).catch(() => undefined);
			return file;
		},
		async close() {
			await browser.close().catch(() => undefined);
		},
	};
}
