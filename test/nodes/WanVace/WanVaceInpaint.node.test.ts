import { WanVaceInpaint } from '../../../nodes/WanVace/WanVaceInpaint.node';
import { fs, path, repoRoot } from '../../support/node';

const description = new WanVaceInpaint().description;
const packageJson = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));

describe('Wan VACE Inpaint description', () => {
	it('is usable as an AI agent tool', () => {
		expect(description.usableAsTool).toBe(true);
	});

	it('has light and dark SVG icons that exist', () => {
		const icon = description.icon as { light: string; dark: string };
		for (const file of [icon.light, icon.dark]) {
			expect(file).toMatch(/^file:.+\.svg$/);
			const content = fs.readFileSync(path.join(repoRoot, 'nodes', 'WanVace', file.slice(5)), 'utf8');
			expect(content).toContain('<svg');
		}
	});

	it('offers Generate (default), Submit, Get and Find Generations on the Video resource', () => {
		const operation = description.properties.find((property) => property.name === 'operation');
		expect(operation?.default).toBe('generate');
		expect(operation?.options?.map((option) => ('value' in option ? option.value : ''))).toEqual(['find', 'generate', 'get', 'submit']);
	});

	it('shows every parameter for one operation only, and each name once per operation', () => {
		const operations = (description.properties.find((property) => property.name === 'operation')?.options ?? []).map((option) => ('value' in option ? String(option.value) : ''));
		const rest = description.properties.filter((property) => property.name !== 'resource' && property.name !== 'operation');
		expect(rest.filter((property) => property.displayOptions?.show?.operation?.length !== 1).map((property) => property.name)).toEqual([]);
		for (const operation of operations) {
			const names = rest.filter((property) => property.displayOptions?.show?.operation?.[0] === operation).map((property) => property.name);
			expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
			expect(names).toContain('runOptions');
		}
	});

	it('uses the AI/ML API credential', () => {
		expect(description.credentials).toEqual([{ name: 'aimlApi', required: true }]);
	});

	it('has a codex file naming the node type of this package', () => {
		const codex = JSON.parse(fs.readFileSync(path.join(repoRoot, 'nodes', 'WanVace', 'WanVaceInpaint.node.json'), 'utf8'));
		expect(codex.node).toBe(`${packageJson.name}.${description.name}`);
	});

	// The values n8n's `valid-node-categories` rule accepts (n8n's codex docs, "Node categories").
	// "AI" is accepted too, but the editor's nodes panel keeps that category for its LangChain-style
	// AI nodes and never lists a regular node filed under it: the browser suite shows the effect.
	const COMMUNITY_CATEGORIES = [
		'Data & Storage',
		'Finance & Accounting',
		'Marketing & Content',
		'Productivity',
		'Miscellaneous',
		'Sales',
		'Development',
		'Analytics',
		'Communication',
		'Utility',
	];

	it('files the node under categories the nodes panel shows, with aliases for the words users search', () => {
		const codex = JSON.parse(fs.readFileSync(path.join(repoRoot, 'nodes', 'WanVace', 'WanVaceInpaint.node.json'), 'utf8'));
		expect(codex.categories.length).toBeGreaterThan(0);
		for (const category of codex.categories) expect(COMMUNITY_CATEGORIES).toContain(category);
		expect(codex.subcategories?.AI).toBeUndefined();
		const aliases = (codex.alias as string[]).map((alias) => alias.toLowerCase());
		for (const word of ['wan', 'vace', 'inpaint', 'video', 'mask', 'ai/ml api', 'aimlapi']) expect(aliases).toContain(word);
	});

	it('is registered in package.json with no runtime dependency', () => {
		expect(packageJson.n8n.nodes).toEqual(['dist/nodes/WanVace/WanVaceInpaint.node.js']);
		expect(packageJson.n8n.credentials).toEqual(['dist/credentials/AimlApi.credentials.js']);
		expect(packageJson.n8n.strict).toBe(true);
		expect(packageJson.dependencies ?? {}).toEqual({});
		expect(packageJson.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	});
});

/** Every text the editor shows for the node: display names, descriptions, option names, placeholders. */
function editorTexts(properties: unknown, found: string[] = []): string[] {
	if (Array.isArray(properties)) {
		for (const entry of properties) editorTexts(entry, found);
	} else if (typeof properties === 'object' && properties !== null) {
		for (const [key, value] of Object.entries(properties)) {
			if (['displayName', 'description', 'name', 'placeholder', 'action', 'hint'].includes(key) && typeof value === 'string') found.push(value);
			else if (typeof value === 'object') editorTexts(value, found);
		}
	}
	return found;
}

describe("the node's texts in the editor (n8n's UX guidelines)", () => {
	const texts = editorTexts([description.properties, description.description, description.subtitle]);

	it('uses "an" before a vowel ("an image file", never "a image file")', () => {
		expect(texts.length).toBeGreaterThan(100);
		expect(texts.filter((text) => /\b[Aa] [aeiouAEIOU]\w/.test(text) && !/\b[Aa] (use|unique|URL|one)/.test(text))).toEqual([]);
	});

	it('has no doubled spaces or words and no space before punctuation', () => {
		expect(texts.filter((text) => / {2}|\s[,.;:]|\b(\w+) \1\b/i.test(text))).toEqual([]);
	});
});
