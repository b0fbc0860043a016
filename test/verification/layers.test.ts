/**
 * The node's layers, lowest first (docs/ARCHITECTURE.md): errors < transport < descriptions <
 * media < mask < request < inputs < job < batch < actions < the node. A module may import its
 * own layer or a lower one, never a higher one; every folder of nodes/WanVace is a layer.
 */
import { fs, path, repoRoot } from '../support/node';

const NODE_DIR = path.join(repoRoot, 'nodes', 'WanVace');
const LAYERS = ['errors', 'transport', 'descriptions', 'media', 'mask', 'request', 'inputs', 'job', 'batch', 'actions', 'node'] as const;
type Layer = (typeof LAYERS)[number];

function layerOf(file: string): Layer {
	const top = path.relative(NODE_DIR, file).split(path.sep)[0];
	return (LAYERS as readonly string[]).includes(top) ? (top as Layer) : 'node';
}

function sourceFiles(dir: string): string[] {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return sourceFiles(full);
		return entry.name.endsWith('.ts') ? [full] : [];
	});
}

/** Every relative import of a file, resolved to the file it names (.ts or folder index). */
function localImports(file: string): string[] {
	const text = fs.readFileSync(file, 'utf8');
	const specifiers = [...text.matchAll(/^(?:import|export)[^;]*?from '(\.[^']+)'/gms)].map((match) => match[1]);
	return specifiers.map((specifier) => {
		const target = path.resolve(path.dirname(file), specifier);
		return fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, 'index.ts');
	});
}

describe('layers of nodes/WanVace', () => {
	const files = sourceFiles(NODE_DIR);

	it('finds the modules of every layer, and no folder that is not a layer', () => {
		const layers = new Set(files.map(layerOf));
		expect([...layers].sort()).toEqual([...LAYERS].sort());
		const folders = fs.readdirSync(NODE_DIR, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
		expect(folders.filter((folder) => !(LAYERS as readonly string[]).includes(folder))).toEqual([]);
	});

	it('no source file is over 300 lines, except the parameter table', () => {
		const long = files
			.filter((file) => !file.endsWith('apiParameters.ts'))
			.map((file) => [path.relative(NODE_DIR, file), fs.readFileSync(file, 'utf8').split('\n').length] as const)
			.filter(([, lines]) => lines > 300);
		expect(long).toEqual([]);
	});

	it('no module imports a higher layer', () => {
		const upward = files.flatMap((file) =>
			localImports(file)
				.filter((target) => LAYERS.indexOf(layerOf(target)) > LAYERS.indexOf(layerOf(file)))
				.map((target) => `${path.relative(NODE_DIR, file)} imports ${path.relative(NODE_DIR, target)}`),
		);
		expect(upward).toEqual([]);
	});

	it('every relative import names an existing module', () => {
		const missing = files.flatMap((file) => localImports(file).filter((target) => !fs.existsSync(target)));
		expect(missing).toEqual([]);
	});
});
