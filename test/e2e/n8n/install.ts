/** The n8n install (machine cache, scripts/ensure-n8n.sh) and this package's tarball. */
import { fs, fsp, os, path, process, repoRoot } from '../../support/node';
import { runCommand } from './process';
import { type N8nInstall, N8N_VERSION, PACKAGE_NAME } from './types';

let installPromise: Promise<N8nInstall> | undefined;

/**
 * Runs scripts/ensure-n8n.sh for N8N_VERSION (installs n8n into the machine cache on first
 * use: several minutes cold, well under a second warm) and returns the path of the n8n binary.
 */
export async function ensureN8n(): Promise<string> {
	return (await resolveN8nInstall()).bin;
}

/** Like ensureN8n(), plus the Node binary to run it with. Cached per process. */
export async function resolveN8nInstall(): Promise<N8nInstall> {
	installPromise ??= (async () => {
		const script = path.join(repoRoot, 'scripts', 'ensure-n8n.sh');
		const ensure = await runCommand('bash', [script, '--with-node'], {
			env: { ...(process.env as Record<string, string>), N8N_VERSION },
			timeoutMs: 30 * 60_000, // two npm tries of at most 12 min each (ensure-n8n.sh)
			inheritStderr: true,
		});
		const [bin, node] = ensure.stdout.trim().split('\n').slice(-2).map((line) => line.trim());
		if (ensure.code !== 0 || !bin || !node) {
			throw new Error(`scripts/ensure-n8n.sh failed (exit ${ensure.code}):\n${ensure.stderr}`);
		}
		return { version: N8N_VERSION, bin, node };
	})();
	const pending = installPromise;
	pending.catch(() => {
		if (installPromise === pending) installPromise = undefined; // let a later call retry
	});
	return await pending;
}

/**
 * Builds the package (`npm run build`, unless `build: false` or WAN_VACE_E2E_SKIP_BUILD=1)
 * and packs it into `destination` (default: a fresh temp folder, which the caller removes
 * when done: `path.dirname(tarball)`); returns the tarball path. Builds are serialised
 * across processes (parallel jest workers) with flock.
 */
export async function packPackage(opts: { build?: boolean; destination?: string } = {}): Promise<string> {
	const build = opts.build ?? process.env.WAN_VACE_E2E_SKIP_BUILD !== '1';
	const destination = opts.destination ?? (await fsp.mkdtemp(path.join(os.tmpdir(), 'wan-vace-pack-')));
	const lockFile = path.join(os.tmpdir(), `${PACKAGE_NAME}-build.lock`);
	const steps = [
		build ? 'npm run build >&2' : ':',
		'npm pack --ignore-scripts --json --pack-destination "$1"',
	].join(' && ');
	const result = await runCommand('flock', [lockFile, 'bash', '-c', steps, 'pack', destination], {
		cwd: repoRoot,
		env: process.env as Record<string, string>,
		timeoutMs: 10 * 60_000,
	});
	if (result.code !== 0) {
		throw new Error(`npm run build / npm pack failed (exit ${result.code}):\n${result.stderr}\n${result.stdout}`);
	}
	const packed = JSON.parse(result.stdout) as Array<{ filename: string }>;
	const tarball = path.join(destination, packed[0].filename);
	if (!fs.existsSync(tarball)) throw new Error(`npm pack did not write ${tarball}`);
	return tarball;
}
