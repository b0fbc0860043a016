/**
 * Debian's Chromium (/usr/bin/chromium, installed by scripts/ensure-chromium.sh) driven by
 * playwright-core, headless. The network flags keep Chromium from calling Google's hosts,
 * which this machine's closed network refuses by the hundred. Selectors use n8n's own
 * `data-test-id` attributes (getByTestId).
 */
import { type Browser, type BrowserContext, type Page, chromium, selectors } from 'playwright-core';

import { untilGroupGone } from '../e2e/n8n/process';
import { childProcess, fs, fsp, os, path, repoRoot } from '../support/node';
import { childPids, guardGroup, guardPath, newChildGroups } from '../support/process-guard';

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
	const executablePath = chromiumPath();
	const before = { children: childPids(), artifacts: playwrightArtifacts() };
	// No signal handlers of Playwright's: its SIGTERM handler closes the browsers but keeps the
	// test process alive. The process guard stops Chromium on any end, and the signal kills.
	const browser = await chromium.launch({
		executablePath,
		headless: true,
		args: CHROMIUM_FLAGS,
		handleSIGINT: false,
		handleSIGTERM: false,
		handleSIGHUP: false,
	});
	const unguard = guardChromium(before, executablePath);
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
			await unguard();
		},
	};
}

/**
 * Playwright starts Chromium detached (a process group of its own) as a child of this
 * process but does not say its PID: found among the new children, it is registered with the
 * process guard, with its profile folder, so that it dies with the test process however that
 * ends. Returns what unregisters them once Chromium is gone.
 */
function guardChromium(before: { children: Set<number>; artifacts: Set<string> }, executablePath: string): () => Promise<void> {
	const releases: Array<() => void> = [];
	const groups = newChildGroups(before.children, (cmdline) => cmdline[0] === executablePath || /chrom/i.test(path.basename(cmdline[0] ?? '')));
	// Playwright's own temp folder of this launch (downloads, traces); it removes it on close.
	for (const folder of playwrightArtifacts()) if (!before.artifacts.has(folder)) releases.push(guardPath(folder));
	for (const group of groups) {
		// SIGTERM even from an exiting test process: Chromium then removes its own temp files.
		releases.push(guardGroup(group.pid, { label: 'chromium', exitSignal: 'SIGTERM' }));
		const profile = group.cmdline.find((arg) => arg.startsWith('--user-data-dir='))?.slice('--user-data-dir='.length);
		if (profile) releases.push(guardPath(profile));
		// Chromium's own temp folder (its singleton socket's), linked from the profile: a Chromium
		// stopped in a hurry leaves it.
		const singleton = profile ? readLinkQuietly(path.join(profile, 'SingletonSocket')) : undefined;
		if (singleton && path.dirname(path.dirname(singleton)) === os.tmpdir()) releases.push(guardPath(path.dirname(singleton)));
	}
	return async () => {
		for (const group of groups) if (!(await untilGroupGone(group.pid))) return; // left for the guard
		for (const release of releases) release();
	};
}

function readLinkQuietly(link: string): string | undefined {
	try {
		return fs.readlinkSync(link);
	} catch {
		return undefined;
	}
}

/** Playwright's artifacts folders in the temp folder now. */
function playwrightArtifacts(): Set<string> {
	const tmp = os.tmpdir();
	return new Set(fs.readdirSync(tmp).filter((name) => name.startsWith('playwright-artifacts-')).map((name) => path.join(tmp, name)));
}
