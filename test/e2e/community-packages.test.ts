/**
 * The package installed the way users install it: from a registry, through the REST calls of
 * Settings → Community Nodes, in a real n8n 2.41.1 (and 1.123.81 with N8N_VERSION=1.123.81).
 * The registry is a local Verdaccio (test/e2e/n8n/registry.ts) holding what `npm publish` would
 * send: npm pack's tarball, its version bumped in a temp copy. n8n runs with
 * N8N_COMMUNITY_PACKAGES_REGISTRY pointing there and nothing preinstalled (no
 * N8N_CUSTOM_EXTENSIONS).
 *
 * One thing is not as a user's n8n: n8n allows a registry other than npmjs.org only with a paid
 * licence (`feat:communityNodes:customRegistry`), so the n8n started here has that one licence
 * answer lifted by a preload (test/e2e/n8n/custom-registry-licence.js). Users install from
 * npmjs.org, where the check does not apply.
 *
 * Install, run against the simulator, publish a new version, see the update, update, run the
 * new version, uninstall; then the bad ways in. Each step's time is logged on one
 * `community-packages:` line per test.
 */
import { EXAMPLE_FILES, loadExample } from './examples';
import { CommunityNodes, type CommunitySetup, type Footprint, describeBuild, footprint, startCommunitySetup, waitForDescription } from './community-packages';
import { N8N_VERSION, PACKAGE_NAME, WAN_VACE_NODE_TYPE, isN8n1 } from './n8n';
import { childProcess, fsp, log, os, path, repoRoot } from '../support/node';

const SETUP_TIMEOUT_MS = 30 * 60_000;
const TEST_TIMEOUT_MS = 6 * 60_000;

/** Versions published in the test's registry (the repository's package.json is never changed). */
const V1 = '0.1.1';
const V2 = '0.1.2';
const BROKEN = '0.1.9';

/** Times the steps of one test and logs them on one line. */
function stopwatch(title: string) {
	const steps: string[] = [];
	return {
		async step<T>(name: string, body: () => Promise<T>): Promise<T> {
			const started = Date.now();
			try {
				return await body();
			} finally {
				steps.push(`${name} ${((Date.now() - started) / 1000).toFixed(1)} s`);
			}
		},
		print(extra = '') {
			log(`community-packages: n8n ${N8N_VERSION}, ${title}: ${steps.join('; ')}${extra ? `; ${extra}` : ''}`);
		},
	};
}

/** What the list says of a package that loaded (2.x only: 1.x does not say). */
const loaded = isN8n1(N8N_VERSION) ? {} : { failedLoading: false };

function describeFootprint(what: Footprint): string {
	return `node_modules: [${what.packages.join(', ')}], ${what.files} files, ${(what.bytes / 1000).toFixed(0)} kB`;
}

describe(`Community Nodes: install, update, uninstall from a registry (n8n ${N8N_VERSION})`, () => {
	let setup: CommunitySetup;
	let nodes: CommunityNodes;
	// Shorthands for the parts of the setup the tests use.
	const registry = () => setup.registry;
	const n8n = () => setup.n8n;

	beforeAll(async () => {
		setup = await startCommunitySetup(V1);
		nodes = new CommunityNodes(setup.server);
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => await setup?.dispose(), 120_000);

	/**
	 * Stops the registry and empties the npm cache n8n's npm uses: with a cache, npm falls back to
	 * what it fetched before (a version installed earlier installs again with the registry down).
	 */
	async function registryDown(): Promise<void> {
		await registry().pause();
		await fsp.rm(n8n().env.npm_config_cache, { recursive: true, force: true });
	}

	/** Starts every test from an n8n without the package and the registry up. */
	beforeEach(async () => {
		await registry().start();
		if (await nodes.find()) await nodes.uninstall();
		setup.sim.reset();
	}, TEST_TIMEOUT_MS);

	it(
		'installs the package alone, runs it, offers and installs the update, runs the new version, uninstalls',
		async () => {
			const watch = stopwatch('lifecycle');
			expect(n8n().env.N8N_CUSTOM_EXTENSIONS).toBeUndefined();
			expect(footprint(n8n()).packages).toEqual([]);
			await waitForDescription(setup.server, WAN_VACE_NODE_TYPE, (description) => description === undefined);

			const installed = await watch.step('install', async () => await nodes.install());
			expect(installed).toMatchObject({ packageName: PACKAGE_NAME, installedVersion: V1 });
			expect(installed.installedNodes.map((node) => node.type)).toEqual([WAN_VACE_NODE_TYPE]);
			const afterInstall = footprint(n8n());
			// npm installed our package alone: no dependency beside it, nothing n8n already has.
			expect(afterInstall.packages).toEqual([PACKAGE_NAME]);
			expect(afterInstall.version).toBe(V1);
			expect(afterInstall.manifest?.dependencies ?? {}).toEqual({});
			expect(afterInstall.manifest?.peerDependencies).toBeUndefined(); // n8n strips it before npm install

			await waitForDescription(setup.server, WAN_VACE_NODE_TYPE, (description) => /Wan 2\.2 VACE Fun Inpainting model$/.test(description ?? ''));
			await watch.step('run v1', setup.runExample);

			await watch.step('publish v2', async () => await registry().publish(setup.tarball, { version: V2, edit: describeBuild(`build ${V2}`) }));
			const listed = await watch.step('update check', async () => await nodes.find());
			// 1.x has no failedLoading in the list.
			expect(listed).toMatchObject({ installedVersion: V1, updateAvailable: V2, ...loaded });

			const updated = await watch.step('update', async () => await nodes.update(isN8n1(N8N_VERSION) ? undefined : V2));
			expect(updated).toMatchObject({ packageName: PACKAGE_NAME, installedVersion: V2 });
			expect(footprint(n8n())).toMatchObject({ packages: [PACKAGE_NAME], version: V2 });
			expect(await nodes.find()).toMatchObject({ installedVersion: V2 });
			expect((await nodes.find())?.updateAvailable).toBeUndefined();
			// The new build is the one n8n loaded: its description carries the marker.
			await waitForDescription(setup.server, WAN_VACE_NODE_TYPE, (description) => (description ?? '').endsWith(`[build ${V2}]`));
			await watch.step('run v2', setup.runExample);

			const workflowId = await n8n().importWorkflow(loadExample(EXAMPLE_FILES.generateAndSave, { pollIntervalSeconds: 0.5, checkInputs: false }));
			await watch.step('uninstall', async () => await nodes.uninstall());
			expect(await nodes.list()).toEqual([]);
			expect(footprint(n8n()).packages).toEqual([]);
			await waitForDescription(setup.server, WAN_VACE_NODE_TYPE, (description) => description === undefined);
			// A workflow that used the node no longer runs: n8n does not know its type.
			const orphan = await n8n().execute(workflowId).then(
				(result) => `${result.status}: ${result.error?.message ?? ''}`,
				(error: Error) => error.message,
			);
			expect(orphan).toMatch(/Unrecognized node type|not installed|is not known|unknown/i);
			watch.print(`${describeFootprint(afterInstall)}; after uninstall: ${orphan.slice(0, 160)}`);
		},
		TEST_TIMEOUT_MS,
	);

	it(
		'refuses a version that does not exist, and installs nothing',
		async () => {
			const watch = stopwatch('missing version');
			const message = await watch.step('install 9.9.9', async () => await nodes.failure(nodes.install('9.9.9')));
			expect(message).toMatch(/version does not exist|9\.9\.9|not found|No matching version|ETARGET/i);
			expect(await nodes.list()).toEqual([]);
			expect(footprint(n8n()).packages).toEqual([]);
			watch.print(message.slice(0, 200));
		},
		TEST_TIMEOUT_MS,
	);

	it(
		'fails cleanly when the registry is down during the install, and installs once it is back',
		async () => {
			const watch = stopwatch('registry down at install');
			await registryDown();
			const message = await watch.step('install (registry down)', async () => await nodes.failure(nodes.install()));
			expect(await nodes.list()).toEqual([]);
			// Nothing installed: at most the empty folder n8n makes before npm runs.
			const left = footprint(n8n());
			expect(left.version).toBeUndefined();
			expect(left.files).toBe(0);
			await registry().start();
			await watch.step('install (registry back)', async () => await nodes.install());
			expect(footprint(n8n()).packages).toEqual([PACKAGE_NAME]);
			watch.print(message.slice(0, 200));
		},
		TEST_TIMEOUT_MS,
	);

	it(
		'keeps the installed version working when the registry is down during the update',
		async () => {
			const watch = stopwatch('registry down at update');
			await nodes.install(V1);
			await registryDown();
			const listed = await watch.step('update check (registry down)', async () => await nodes.find());
			expect(listed).toMatchObject({ installedVersion: V1, ...loaded });
			const message = await watch.step('update (registry down)', async () => await nodes.failure(nodes.update(isN8n1(N8N_VERSION) ? undefined : V2)));
			expect(await nodes.find()).toMatchObject({ installedVersion: V1, ...loaded });
			expect(footprint(n8n())).toMatchObject({ packages: [PACKAGE_NAME], version: V1 });
			await watch.step('run the installed version', setup.runExample);
			watch.print(message.slice(0, 200));
		},
		TEST_TIMEOUT_MS,
	);

	it(
		'refuses a tarball whose n8n.nodes path is wrong; the prepublishOnly check refuses it before publishing',
		async () => {
			const watch = stopwatch('wrong n8n.nodes path');
			const wrongPath = 'dist/nodes/WanVaceInpaint.node.js';
			const breakNodesPath = async (packageDir: string) => {
				const file = path.join(packageDir, 'package.json');
				const manifest = JSON.parse(await fsp.readFile(file, 'utf8')) as { n8n: { nodes: string[] } };
				manifest.n8n.nodes = [wrongPath];
				await fsp.writeFile(file, JSON.stringify(manifest, null, 2));
			};
			await registry().publish(setup.tarball, { version: BROKEN, tag: 'broken', edit: breakNodesPath });
			const message = await watch.step('install the broken version', async () => await nodes.failure(nodes.install(BROKEN)));
			expect(await nodes.list()).toEqual([]);
			expect(footprint(n8n()).packages).toEqual([]);

			// The same broken package, packed: scripts/check-package.mjs (npm's prepublishOnly) names the path.
			const copy = await fsp.mkdtemp(path.join(os.tmpdir(), 'wan-vace-broken-'));
			try {
				childProcess.execFileSync('tar', ['-xzf', setup.tarball, '-C', copy, '--strip-components=1']);
				await breakNodesPath(copy);
				const check = childProcess.spawnSync('node', [path.join(repoRoot, 'scripts', 'check-package.mjs'), copy], { encoding: 'utf8' });
				expect(check.status).toBe(1);
				expect(check.stderr).toContain(wrongPath);
				const good = childProcess.spawnSync('node', [path.join(repoRoot, 'scripts', 'check-package.mjs')], { encoding: 'utf8', cwd: repoRoot });
				expect(good.stderr).toBe('');
				expect(good.status).toBe(0);
			} finally {
				await fsp.rm(copy, { recursive: true, force: true });
			}
			watch.print(message.slice(0, 200));
		},
		TEST_TIMEOUT_MS,
	);
});
