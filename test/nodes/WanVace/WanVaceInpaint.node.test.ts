import { WanVaceInpaint } from '../../../nodes/WanVace/WanVaceInpaint.node';
import { fs, loadModule, path, repoRoot } from '../../support/node';

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

	it('offers Generate (default), Submit and Get on the Video resource', () => {
		const operation = description.properties.find((property) => property.name === 'operation');
		expect(operation?.default).toBe('generate');
		expect(operation?.options?.map((option) => ('value' in option ? option.value : ''))).toEqual(['generate', 'get', 'submit']);
	});

	it('uses the AI/ML API credential', () => {
		expect(description.credentials).toEqual([{ name: 'aimlApi', required: true }]);
	});

	it('has a codex file naming the node type of this package', () => {
		const codex = JSON.parse(fs.readFileSync(path.join(repoRoot, 'nodes', 'WanVace', 'WanVaceInpaint.node.json'), 'utf8'));
		expect(codex.node).toBe(`${packageJson.name}.${description.name}`);
		expect(codex.categories).toContain('AI');
	});

	it('is registered in package.json and built with its codex and icons into dist/', () => {
		expect(packageJson.n8n.nodes).toEqual(['dist/nodes/WanVace/WanVaceInpaint.node.js']);
		expect(packageJson.n8n.credentials).toEqual(['dist/credentials/AimlApi.credentials.js']);
		expect(packageJson.n8n.strict).toBe(true);
		expect(packageJson.dependencies ?? {}).toEqual({});
		expect(packageJson.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		for (const file of [
			'dist/nodes/WanVace/WanVaceInpaint.node.js',
			'dist/nodes/WanVace/WanVaceInpaint.node.json',
			'dist/nodes/WanVace/wanVace.svg',
			'dist/nodes/WanVace/wanVace.dark.svg',
			'dist/credentials/AimlApi.credentials.js',
			'dist/credentials/aimlApi.svg',
			'dist/credentials/aimlApi.dark.svg',
		]) {
			expect(fs.existsSync(path.join(repoRoot, file))).toBe(true);
		}
	});

	it('index.js re-exports the built classes', () => {
		const main = loadModule(path.join(repoRoot, packageJson.main)) as Record<string, new () => { description: { name: string } }>;
		expect(Object.keys(main).sort()).toEqual(['AimlApi', 'WanVaceInpaint']);
		expect(new main.WanVaceInpaint().description.name).toBe('wanVaceInpaint');
	});
});
