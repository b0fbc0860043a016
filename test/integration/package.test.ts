/** The package as it ships: what `npm run build` puts in dist/ and what index.js exports. */
import { fs, loadModule, path, repoRoot } from '../support/node';

const packageJson = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));

describe('the built package', () => {
	it('has the node with its codex and icons, and the credential, in dist/', () => {
		const missing = [
			...packageJson.n8n.nodes,
			...packageJson.n8n.credentials,
			'dist/nodes/WanVace/WanVaceInpaint.node.json',
			'dist/nodes/WanVace/wanVace.svg',
			'dist/nodes/WanVace/wanVace.dark.svg',
			'dist/credentials/aimlApi.svg',
			'dist/credentials/aimlApi.dark.svg',
		].filter((file: string) => !fs.existsSync(path.join(repoRoot, file)));
		expect(missing).toEqual([]);
	});

	it('index.js re-exports the built classes', () => {
		const main = loadModule(path.join(repoRoot, packageJson.main)) as Record<string, new () => { description: { name: string } }>;
		expect(Object.keys(main).sort()).toEqual(['AimlApi', 'WanVaceInpaint']);
		expect(new main.WanVaceInpaint().description.name).toBe('wanVaceInpaint');
	});
});
