/**
 * A local npm registry for the community-package tests: Verdaccio 6.8 (a dev dependency; 6.8
 * runs on Node 20 and 24), started like PostgreSQL and Redis (services.ts) as our own process on
 * a free loopback port with its config and storage in a temp folder, and removed by stop().
 * It has no uplinks: a package it does not hold is a 404, so an install that needed anything
 * but what the test published fails instead of reaching npmjs.org.
 *
 *   const registry = await startRegistry();
 *   const tarball = await packPackage();                               // npm run build + npm pack
 *   await registry.publish(tarball, { version: '0.1.1' });             // what `npm publish` sends
 *   registry.url                                                       // N8N_COMMUNITY_PACKAGES_REGISTRY
 *   await registry.stop();
 */
import { delay, fsp, os, path, process, repoRoot } from '../../support/node';
import { guardPath } from '../../support/process-guard';
import { type ManagedProcess, assertCommand, freePort, httpRequest, runCommand, spawnManaged, tail } from './process';
import { type Service, serviceWhenReady, waitForPort } from './services';
import { PACKAGE_NAME } from './types';

const VERDACCIO_BIN = path.join(repoRoot, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
const READY_TIMEOUT_MS = 60_000;

export interface PublishOptions {
	/** The version written into the temp copy's package.json (the repository is never touched). */
	version: string;
	/** The dist-tag (default `latest`). */
	tag?: string;
	/** Changes the unpacked copy before it is published (a marker, a broken `n8n` block…). */
	edit?: (packageDir: string) => Promise<void>;
}

export interface LocalRegistry extends Service {
	/** http://127.0.0.1:<port> (no trailing slash; what n8n's registry setting takes). */
	url: string;
	/** Publishes `npm pack`'s tarball under `version`, from a temp copy (`npm publish`, fake token). */
	publish(tarball: string, opts: PublishOptions): Promise<void>;
	/** The package document (packument) the registry serves for `name`, or undefined on 404. */
	packument(name?: string): Promise<{ versions: Record<string, unknown>; 'dist-tags': Record<string, string> } | undefined>;
	/** Stops the process but keeps the storage: start() brings the same registry back on the same port. */
	pause(): Promise<void>;
	start(): Promise<void>;
}

function config(root: string): string {
	// YAML by hand: the keys Verdaccio reads, nothing else. `$all` may read and publish (npm still
	// sends a token; Verdaccio treats one it did not issue as anonymous). No uplinks.
	return [
		`storage: ${JSON.stringify(path.join(root, 'storage'))}`,
		'auth:',
		'  htpasswd:',
		`    file: ${JSON.stringify(path.join(root, 'htpasswd'))}`,
		'    max_users: -1',
		'uplinks: {}',
		'packages:',
		"  '**':",
		'    access: $all',
		'    publish: $all',
		'    unpublish: $all',
		'web:',
		'  enable: false',
		'log: { type: stdout, format: pretty, level: warn }',
		'',
	].join('\n');
}

/** Runs npm with its own config file (the fake token) and its own cache, never the user's. */
async function npm(root: string, args: string[], cwd: string): Promise<void> {
	const env: Record<string, string> = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (value !== undefined && !/^npm_config_/i.test(key)) env[key] = value;
	}
	const result = await runCommand('npm', [...args, '--userconfig', path.join(root, '.npmrc'), '--cache', path.join(root, 'npm-cache')], {
		cwd,
		env: { ...env, npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false' },
		timeoutMs: 120_000,
	});
	assertCommand(result, `npm ${args.join(' ')}`);
}

/** Verdaccio on a free loopback port, storage in a temp folder. */
export async function startRegistry(): Promise<LocalRegistry> {
	const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'wan-vace-registry-'));
	// Removed by the process guard if the test process dies before stop().
	const unguardRoot = guardPath(root);
	const configFile = path.join(root, 'config.yaml');
	await fsp.writeFile(configFile, config(root));
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	// npm refuses to publish without some credential for the registry, even an anonymous one.
	await fsp.writeFile(path.join(root, '.npmrc'), `registry=${url}/\n//127.0.0.1:${port}/:_authToken=fake-token-for-a-local-registry\n`);

	const spawn = (): ManagedProcess =>
		spawnManaged(process.execPath, [VERDACCIO_BIN, '--config', configFile, '--listen', `127.0.0.1:${port}`], {
			cwd: root,
			env: { PATH: process.env.PATH ?? '', HOME: root, NODE_ENV: 'production' },
		});
	let proc = spawn();
	const get = async (urlPath: string) => await httpRequest(new URL(`${url}${urlPath}`), { method: 'GET', timeoutMs: 10_000 });
	const ready = async () => {
		await waitForPort(port, proc, 'verdaccio');
		const deadline = Date.now() + READY_TIMEOUT_MS;
		while ((await get('/-/ping').then((r) => r.status, () => 0)) !== 200) {
			if (proc.exited || Date.now() > deadline) throw new Error(`verdaccio did not answer /-/ping within ${READY_TIMEOUT_MS} ms\n${tail(proc.output())}`);
			await delay(100);
		}
	};
	// serviceWhenReady stops the *current* process and removes the folder.
	const current = { stop: async () => await proc.stop(), output: () => proc.output() } as ManagedProcess;
	const service = await serviceWhenReady(current, root, unguardRoot, port, ready);

	return {
		...service,
		url,
		async publish(tarball, opts) {
			const work = await fsp.mkdtemp(path.join(root, 'publish-'));
			const packageDir = path.join(work, 'package');
			await fsp.mkdir(packageDir);
			const untar = await runCommand('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1'], {
				env: process.env as Record<string, string>,
				timeoutMs: 60_000,
			});
			assertCommand(untar, `tar -xzf ${tarball}`);
			const manifestFile = path.join(packageDir, 'package.json');
			const manifest = JSON.parse(await fsp.readFile(manifestFile, 'utf8')) as Record<string, unknown>;
			manifest.version = opts.version;
			await fsp.writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
			await opts.edit?.(packageDir);
			// The copy holds only what `npm pack` put in the tarball, so npm publish packs the same
			// files again. Its lifecycle scripts are the repository's and ran before the pack.
			await npm(root, ['publish', packageDir, '--registry', `${url}/`, '--ignore-scripts', '--tag', opts.tag ?? 'latest'], work);
			await fsp.rm(work, { recursive: true, force: true });
		},
		async packument(name = PACKAGE_NAME) {
			const response = await get(`/${encodeURIComponent(name).replace('%40', '@')}`);
			if (response.status === 404) return undefined;
			if (response.status !== 200) throw new Error(`registry GET /${name}: ${response.status} ${response.body.toString()}`);
			return JSON.parse(response.body.toString('utf8')) as { versions: Record<string, unknown>; 'dist-tags': Record<string, string> };
		},
		async pause() {
			await proc.stop();
		},
		async start() {
			if (!proc.exited) return;
			proc = spawn();
			await waitForPort(port, proc, 'verdaccio');
		},
	};
}
