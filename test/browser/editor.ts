/**
 * What a person does in the n8n 2.x editor, as page actions on n8n's `data-test-id`
 * attributes (found by driving n8n 2.41.1 in Chromium). Each action waits for what the
 * page shows next, so a test reads as the steps a user takes.
 */
import type { Locator, Page } from 'playwright-core';

import { delay } from '../support/node';

export const NODE_DISPLAY_NAME = 'Wan VACE Inpaint';
export const TOOL_DISPLAY_NAME = 'Wan VACE Inpaint Tool';

/** Polls `read` until `accept` holds (or throws with the last value after timeoutMs). */
/** The few DOM members outputJson() uses inside the page (the test build has no DOM types). */
interface ScrollBox {
	scrollTop: number;
	readonly scrollHeight: number;
	readonly clientHeight: number;
	readonly innerText: string;
	querySelectorAll(selector: string): ArrayLike<ScrollBox>;
	readonly ownerDocument: {
		defaultView: { getComputedStyle(box: ScrollBox): { overflowY: string }; requestAnimationFrame(callback: () => void): number };
	};
}

export async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let last: T | undefined;
	let lastError: unknown;
	while (Date.now() < deadline) {
		try {
			last = await read();
			if (accept(last)) return last;
		} catch (error) {
			lastError = error;
		}
		await delay(150);
	}
	throw new Error(`${what}: still ${JSON.stringify(last)} after ${timeoutMs} ms${lastError ? ` (last error: ${String(lastError)})` : ''}`);
}

export class Editor {
	constructor(
		readonly page: Page,
		readonly baseUrl: string,
	) {}

	byId(id: string): Locator {
		return this.page.getByTestId(id);
	}

	async signIn(email: string, secret: string): Promise<void> {
		await this.page.goto(`${this.baseUrl}/signin`);
		await this.byId('emailOrLdapLoginId').locator('input').fill(email);
		await this.byId('password').locator('input').fill(secret);
		await this.byId('form-submit-button').click();
		await this.page.waitForURL(/\/home\//);
	}

	async newWorkflow(): Promise<void> {
		await this.page.goto(`${this.baseUrl}/workflow/new`);
		await this.byId('canvas-add-button').waitFor();
	}

	async openWorkflow(id: string): Promise<void> {
		await this.page.goto(`${this.baseUrl}/workflow/${id}`);
		await this.byId('canvas').waitFor();
	}

	// --- nodes panel -------------------------------------------------------------------

	/** The first step of an empty workflow: a trigger chosen in the nodes panel. */
	async addFirstTrigger(name: string): Promise<void> {
		await this.byId('canvas-add-button').click();
		await this.nodeCreatorItem(name).click();
		await this.byId('canvas-trigger-node').first().waitFor();
	}

	async openNodesPanel(): Promise<void> {
		await this.byId('node-creator-plus-button').click();
		await this.byId('node-creator-search-bar').waitFor();
	}

	/**
	 * Types into the nodes panel's search and returns the names it lists (top first), once they
	 * include `expectName` (or, when they never do, what it lists after 8 s, for the test to show).
	 */
	async searchNodes(text: string, expectName: string): Promise<string[]> {
		await this.byId('node-creator-search-bar').fill(text);
		const names = this.byId('node-creator').getByTestId('node-creator-item-name');
		return await eventually(async () => await names.allInnerTexts(), (list) => list.includes(expectName), `the nodes panel's results for "${text}"`, 8_000).catch(
			async () => await names.allInnerTexts(),
		);
	}

	nodeCreatorItem(name: string): Locator {
		return this.byId('node-creator').getByTestId('node-creator-item-name').filter({ hasText: new RegExp(`^${escapeRegExp(name)}$`) }).first();
	}

	// --- node details view (NDV) ---------------------------------------------------------

	ndv(): Locator {
		return this.byId('ndv');
	}

	async closeNdv(): Promise<void> {
		await this.byId('ndv-close-button').click();
		await this.ndv().waitFor({ state: 'hidden' });
	}

	parameter(name: string): Locator {
		return this.ndv().getByTestId(`parameter-input-${name}`);
	}

	/** Picks `option` in the options parameter `name` (an n8n select). */
	async selectOption(name: string, option: string): Promise<void> {
		const input = this.parameter(name).locator('input').first();
		await this.chooseFrom(input, option);
		await eventually(async () => await input.inputValue(), (value) => value === option, `parameter ${name}`);
	}

	/** The "Add Option" / "Add Run Option" button of a collection parameter (a select). */
	collectionButton(placeholder: string): Locator {
		return this.ndv().locator(`[data-test-id="collection-parameter-add"] input[placeholder="${placeholder}"]`);
	}

	/** The names a collection's button offers (its dropdown, opened and closed again). */
	async collectionOptions(placeholder: string): Promise<string[]> {
		const input = this.collectionButton(placeholder);
		const list = await this.openSelect(input);
		const names = await eventually(async () => await list.getByRole('option').allInnerTexts(), (items) => items.length > 0, `the ${placeholder} list`);
		await this.page.keyboard.press('Escape');
		await list.waitFor({ state: 'hidden' });
		return names.map((name) => name.trim());
	}

	/** Adds `option` from a collection's button (e.g. Add Run Option > Download Video). */
	async addCollectionOption(placeholder: string, option: string): Promise<void> {
		await this.chooseFrom(this.collectionButton(placeholder), option);
	}

	/**
	 * Opens an n8n (Element Plus) select and returns its list of options: the input names the
	 * list it controls (aria-controls), so stale dropdowns still fading out never match.
	 */
	private async openSelect(input: Locator): Promise<Locator> {
		await input.scrollIntoViewIfNeeded();
		await input.click();
		const listId = await eventually(async () => await input.getAttribute('aria-controls'), (id) => Boolean(id), 'the select\'s list id');
		const list = this.page.locator(`[id="${listId}"]`);
		await list.waitFor();
		return list;
	}

	private async chooseFrom(input: Locator, option: string): Promise<void> {
		const list = await this.openSelect(input);
		await list
			.getByRole('option')
			.filter({ hasText: new RegExp(`^\\s*${escapeRegExp(option)}`) })
			.first()
			.click();
		await list.waitFor({ state: 'hidden' });
	}

	/** Turns a boolean parameter (a switch) on. */
	async switchOn(name: string): Promise<void> {
		const input = this.parameter(name).locator('input[role="switch"]');
		if ((await input.getAttribute('aria-checked')) !== 'true') await this.parameter(name).locator('.el-switch').click();
		await eventually(async () => await input.getAttribute('aria-checked'), (value) => value === 'true', `switch ${name}`);
	}

	async fillParameter(name: string, value: string): Promise<void> {
		const input = this.parameter(name).locator('input, textarea').first();
		await input.fill(value);
		await input.blur();
	}

	async executeStep(): Promise<void> {
		await this.ndv().getByTestId('node-execute-button').click();
	}

	outputPanel(): Locator {
		return this.ndv().getByTestId('output-panel');
	}

	/**
	 * The output panel's JSON view, every line of it. n8n renders that view as a virtual list
	 * (only the rows in sight exist in the DOM), so this scrolls it from top to bottom and joins
	 * what each position showed. innerText alone sees only what fits the panel, which hints
	 * above the data make shorter.
	 */
	async outputJson(): Promise<string> {
		const output = this.outputPanel();
		await output.getByTestId('radio-button-json').click();
		const tree = output.locator('.json-data').first();
		const readAll = async () => await tree.evaluate(async (element) => {
			const root = element as unknown as ScrollBox;
			const view = root.ownerDocument.defaultView;
			const frame = async () => await new Promise<void>((resolve) => view.requestAnimationFrame(() => view.requestAnimationFrame(() => resolve())));
			const scroller = [root, ...Array.from(root.querySelectorAll('*'))].find(
				(box) => box.scrollHeight > box.clientHeight + 1 && view.getComputedStyle(box).overflowY !== 'visible',
			);
			if (!scroller) return root.innerText;
			const seen: string[] = [];
			for (let top = 0; ; top += Math.max(1, scroller.clientHeight - 40)) {
				scroller.scrollTop = top;
				await frame();
				seen.push(root.innerText);
				if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1) break;
			}
			scroller.scrollTop = 0;
			return seen.join('\n');
		}).catch(() => '');
		// Read again until the view has been seen from its first line to its last: the list lays
		// itself out after it appears, and a read meanwhile would cover only its first rows.
		const fromStartToEnd = (text: string) => /^\s*\[/.test(text) && /\]\s*$/.test(text);
		return await eventually(readAll, fromStartToEnd, 'the JSON view from its first line to its last');
	}

	// --- credentials ---------------------------------------------------------------------

	credentialModal(): Locator {
		return this.byId('editCredential-modal');
	}

	/** With no credential of the type yet, the node offers a "Connect to …" button. */
	async createCredentialFromNdv(): Promise<void> {
		const empty = this.ndv().getByTestId('node-credentials-empty-state');
		if (await empty.isVisible()) {
			await empty.getByRole('button').first().click();
		} else {
			await this.ndv().getByTestId('node-credentials-select').click();
			await this.byId('node-credentials-select-item-new').click();
		}
		await this.credentialModal().waitFor();
	}

	async selectedCredential(): Promise<string> {
		return await this.ndv().getByTestId('node-credentials-select').locator('input').inputValue();
	}

	async fillCredential(fields: Record<string, string>): Promise<void> {
		for (const [name, value] of Object.entries(fields)) {
			const input = this.credentialModal().getByTestId(`parameter-input-${name}`).locator('input').first();
			await input.fill(value);
		}
	}

	/**
	 * Saves the credential dialog, and n8n tests the connection. When the test fails the
	 * dialog stays open with "Couldn't connect with these settings"; "More details" shows
	 * the credential's own message, returned with the dialog's text.
	 */
	async saveCredentialExpectingFailure(): Promise<string> {
		const modal = this.credentialModal();
		await modal.getByTestId('credential-save-button').click();
		await modal.getByText(/Couldn.t connect with these settings/).waitFor({ timeout: 30_000 });
		const details = modal.getByText('More details');
		if (await details.isVisible()) await details.click();
		return await modal.innerText();
	}

	/** Saves the credential dialog; when n8n's connection test passes it closes the dialog. */
	async saveCredentialExpectingSuccess(): Promise<void> {
		await this.credentialModal().getByTestId('credential-save-button').click();
		await this.credentialModal().waitFor({ state: 'hidden', timeout: 30_000 });
	}

	async notifications(): Promise<string[]> {
		return await this.page.locator('.el-notification:visible').allInnerTexts();
	}

	// --- workflows -----------------------------------------------------------------------

	/** Workflow menu (…) > Import > From file, with `file` chosen in the file dialog. */
	async importFromFile(file: string): Promise<void> {
		await this.byId('workflow-menu').click();
		await this.byId('workflow-menu-item-import').hover();
		const chooser = this.page.waitForEvent('filechooser');
		await this.byId('workflow-menu-item-import-from-file').click();
		await (await chooser).setFiles(file);
	}

	async executeWorkflow(): Promise<void> {
		await this.byId('execute-workflow-button').click();
	}

	/** The canvas node called `name`. */
	canvasNode(name: string): Locator {
		return this.byId('canvas-node').filter({ has: this.page.getByText(name, { exact: true }) }).first();
	}

	async openNode(name: string): Promise<void> {
		await this.canvasNode(name).dblclick();
		await this.ndv().waitFor();
	}
}

export function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
