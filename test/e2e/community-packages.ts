/**
 * The Community Nodes screen's REST calls (Settings → Community Nodes: install, the list with its
 * update check, update, uninstall), an n8n that installs from the local registry
 * (test/e2e/n8n/registry.ts), and what an install leaves in `~/.n8n/nodes`. Used by
 * test/e2e/community-packages.test.ts (REST, n8n 2.x and 1.x) and the browser suite.
 */
import { delay, fs, fsp, path, repoRoot } from '../support/node';
import { EXAMPLE_FILES, exampleCredential, loadExample, writtenFilePath } from './examples';
import { createN8nEnvironment, ensureN8n, type N8nEnvironment, type N8nServer, PACKAGE_NAME, packPackage } from './n8n';
import { type Simulator, sampleVideoBytes, startSimulator } from '../simulator';
import { type LocalRegistry, startRegistry } from './n8n/registry';

/** The preload that lifts n8n's one licence answer for custom registries (read its header). */
export const CUSTOM_REGISTRY_LICENCE_PRELOAD = path.join(repoRoot, 'test', 'e2e', 'n8n', 'custom-registry-licence.js');

export interface InstalledPackage {
	packageName: string;
	installedVersion: string;
	updateAvailable?: string;
	failedLoading?: boolean;
	installedNodes: Array<{ name: string; type: string; latestVersion?: number }>;
}

/**
 * An n8n environment set up as a self-hosted user's would be for Community Nodes, with the
 * registry at `registry.url`: nothing preinstalled, no N8N_CUSTOM_EXTENSIONS, the licence
 * preload, npm's cache in the user folder (a clean install, not the machine's cache), and a
 * `.npmrc` in `~/.n8n/nodes` naming the registry, for the update check (`npm outdated` there
 * gets no registry setting from n8n).
 */
export async function createCommunityEnvironment(registry: LocalRegistry, opts: { logLevel?: 'warn' | 'info' } = {}): Promise<N8nEnvironment> {
	const n8n = await createN8nEnvironment({
		logLevel: opts.logLevel ?? 'info',
		env: {
			N8N_COMMUNITY_PACKAGES_REGISTRY: registry.url,
			NODE_OPTIONS: `--require ${CUSTOM_REGISTRY_LICENCE_PRELOAD}`,
		},
	});
	// npm config of an outer `npm run` must not reach the npm that n8n runs.
	for (const key of Object.keys(n8n.env)) if (/^npm_config_/i.test(key)) delete n8n.env[key];
	n8n.env.npm_config_cache = path.join(n8n.userFolder, '.npm');
	n8n.env.npm_config_update_notifier = 'false';
	// The one change to npm's defaults: no retries. With the registry down, npm's retries keep an
	// install or update waiting for minutes (longer than the screen's call), which would test
	// npm's backoff, not what n8n does when npm fails.
	n8n.env.npm_config_fetch_retries = '0';
	const nodesDir = path.join(n8n.n8nFolder, 'nodes');
	await fsp.mkdir(nodesDir, { recursive: true });
	await fsp.writeFile(path.join(nodesDir, '.npmrc'), `registry=${registry.url}/\nfetch-retries=0\n`);
	return n8n;
}

/**
 * How long a Community Nodes call may take: n8n answers an install or update only when npm is
 * done (with the registry down, once npm gives up).
 */
const CALL_TIMEOUT_MS = 180_000;

export class CommunityNodes {
	constructor(private readonly server: N8nServer) {}

	async list(): Promise<InstalledPackage[]> {
		return await this.server.rest<InstalledPackage[]>('GET', '/community-packages', undefined, { timeoutMs: CALL_TIMEOUT_MS });
	}

	async find(): Promise<InstalledPackage | undefined> {
		return (await this.list()).find((entry) => entry.packageName === PACKAGE_NAME);
	}

	/** What the Install button sends (the dialog's name field; a version only when typed as name@version). */
	async install(version?: string): Promise<InstalledPackage> {
		return await this.server.rest<InstalledPackage>('POST', '/community-packages', { name: PACKAGE_NAME, ...(version ? { version } : {}) }, { timeoutMs: CALL_TIMEOUT_MS });
	}

	/** What the Update button sends (2.x: the version the list offered; 1.x: the name only). */
	async update(version?: string): Promise<InstalledPackage> {
		return await this.server.rest<InstalledPackage>('PATCH', '/community-packages', { name: PACKAGE_NAME, ...(version ? { version } : {}) }, { timeoutMs: CALL_TIMEOUT_MS });
	}

	async uninstall(): Promise<void> {
		await this.server.rest('DELETE', `/community-packages?name=${encodeURIComponent(PACKAGE_NAME)}`, undefined, { timeoutMs: CALL_TIMEOUT_MS });
	}

	/** The error message of a call expected to fail. */
	async failure(call: Promise<unknown>): Promise<string> {
		return await call.then(
			(value) => {
				throw new Error(`expected the call to fail; it answered ${JSON.stringify(value)}`);
			},
			(error: Error) => error.message,
		);
	}
}

export interface Footprint {
	/** Top-level entries of ~/.n8n/nodes/node_modules (scoped ones as @scope/name), hidden files aside. */
	packages: string[];
	files: number;
	bytes: number;
	/** The installed package's version (its package.json), if installed. */
	version?: string;
	/** Its package.json as n8n left it (n8n strips dev, peer and optional dependencies). */
	manifest?: Record<string, unknown>;
}

function walk(dir: string): { files: number; bytes: number } {
	let files = 0;
	let bytes = 0;
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) {
			const sub = walk(full);
			files += sub.files;
			bytes += sub.bytes;
		} else if (entry.isFile()) {
			files += 1;
			bytes += fs.statSync(full).size;
		}
	}
	return { files, bytes };
}

/** What npm put in `~/.n8n/nodes/node_modules`. */
export function footprint(n8n: N8nEnvironment): Footprint {
	const modules = path.join(n8n.n8nFolder, 'nodes', 'node_modules');
	if (!fs.existsSync(modules)) return { packages: [], files: 0, bytes: 0 };
	const packages: string[] = [];
	for (const entry of fs.readdirSync(modules)) {
		if (entry.startsWith('.')) continue;
		if (entry.startsWith('@')) for (const scoped of fs.readdirSync(path.join(modules, entry))) packages.push(`${entry}/${scoped}`);
		else packages.push(entry);
	}
	const { files, bytes } = walk(modules);
	const manifestFile = path.join(modules, PACKAGE_NAME, 'package.json');
	const manifest = fs.existsSync(manifestFile) ? (JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Record<string, unknown>) : undefined;
	return { packages: packages.sort(), files, bytes, manifest, version: manifest?.version as string | undefined };
}

/** The description n8n serves for the installed node (GET /types/nodes.json), if it knows the type. */
export async function nodeDescription(server: N8nServer, type: string): Promise<string | undefined> {
	const types = await server.getJson<Array<{ name: string; description?: string }>>('/types/nodes.json');
	return types.find((entry) => entry.name === type)?.description;
}

/**
 * Waits until the description n8n serves for `type` satisfies `accept` (n8n rewrites its type
 * files after an install, update or uninstall); returns it, or throws with the last one seen.
 */
export async function waitForDescription(
	server: N8nServer,
	type: string,
	accept: (description: string | undefined) => boolean,
	timeoutMs = 30_000,
): Promise<string | undefined> {
	const deadline = Date.now() + timeoutMs;
	let last = await nodeDescription(server, type);
	while (!accept(last)) {
		if (Date.now() > deadline) throw new Error(`the description of ${type} is still ${JSON.stringify(last)} after ${timeoutMs} ms`);
		await delay(200);
		last = await nodeDescription(server, type);
	}
	return last;
}

/** Edits a published copy: appends `marker` to the node's description in the built node file. */
export function describeBuild(marker: string): (packageDir: string) => Promise<void> {
	return async (packageDir) => {
		const file = path.join(packageDir, 'dist', 'nodes', 'WanVace', 'WanVaceInpaint.node.js');
		const source = await fsp.readFile(file, 'utf8');
		const edited = source.replace(/(description:\s*)("[^"]*Wan 2\.2 VACE Fun Inpainting model)"/, `$1$2 [${marker}]"`);
		if (edited === source) throw new Error(`no node description to mark in ${file}`);
		await fsp.writeFile(file, edited);
	};
}

/**
 * Returns a function that runs examples/generate-and-save.json against the simulator and checks
 * that it wrote the simulator's video. The credential is imported on the first run: n8n knows its
 * type only while the package is installed.
 */
export function exampleRunner(n8n: N8nEnvironment, sim: Simulator): () => Promise<void> {
	let credentialImported = false;
	return async () => {
		if (!credentialImported) await n8n.importCredentials([exampleCredential({ apiKey: sim.apiKey, baseUrl: sim.baseUrl })]);
		credentialImported = true;
		const id = await n8n.importWorkflow(loadExample(EXAMPLE_FILES.generateAndSave, { pollIntervalSeconds: 0.5, checkInputs: false }));
		const result = await n8n.execute(id);
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.items('Wan VACE Inpaint')[0].json.status).toBe('completed');
		const [saved] = result.items('Save MP4 to Disk');
		expect(fs.readFileSync(writtenFilePath(n8n.userFolder, saved.json.fileName)).equals(sampleVideoBytes())).toBe(true);
	};
}

/** What a Community Nodes test runs against; dispose() stops all of it, whatever was started. */
export interface CommunitySetup {
	tarball: string;
	registry: LocalRegistry;
	sim: Simulator;
	n8n: N8nEnvironment;
	server: N8nServer;
	runExample: () => Promise<void>;
	dispose(): Promise<void>;
}

/**
 * The package built and packed, a registry holding it as `firstVersion`, the simulator, and an
 * n8n (server started) that installs from the registry. A step that fails stops what the earlier
 * ones started before the error goes on.
 */
export async function startCommunitySetup(firstVersion: string, opts: { logLevel?: 'warn' | 'info' } = {}): Promise<CommunitySetup> {
	const started: Partial<CommunitySetup> = {};
	const dispose = async () => {
		await started.n8n?.dispose();
		await started.sim?.close();
		await started.registry?.stop();
		if (started.tarball) await fsp.rm(path.dirname(started.tarball), { recursive: true, force: true });
	};
	try {
		await ensureN8n();
		started.tarball = await packPackage();
		started.registry = await startRegistry();
		await started.registry.publish(started.tarball, { version: firstVersion });
		started.sim = await startSimulator({ generationMs: 500 });
		started.n8n = await createCommunityEnvironment(started.registry, opts);
		started.server = await started.n8n.startServer();
	} catch (error) {
		await dispose();
		return await Promise.reject(error);
	}
	const { tarball, registry, sim, n8n, server } = started as Required<CommunitySetup>;
	return { tarball, registry, sim, n8n, server, runExample: exampleRunner(n8n, sim), dispose };
}
