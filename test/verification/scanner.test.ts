/**
 * n8n's own verification scanner (@n8n/scan-community-package), offline, on the two things
 * n8n scans before it lists a node for n8n Cloud: the source (its SOURCE_FILE_PATTERNS) and
 * the package npm users install (the unpacked `npm pack` tarball, **\/*.js and package.json).
 */
import { packPackage } from '../e2e/n8n';
import { childProcess, fsp, os, path, process, repoRoot } from '../support/node';

interface ScanResult {
	code: number | null;
	report: { passed: boolean; message?: string; details?: string; target: string };
}

/** jest's NODE_ENV=test puts eslint-plugin-n8n-nodes-base into its own test mode (false reports). */
function scannerEnv(): Record<string, string | undefined> {
	const env = { ...process.env };
	delete env.NODE_ENV;
	return env;
}

function scan(mode: 'source' | 'tarball', dir?: string): ScanResult {
	const run = childProcess.spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'scan-package.mjs'), mode, ...(dir ? [dir] : [])], {
		cwd: repoRoot,
		env: scannerEnv(),
		encoding: 'utf8',
		timeout: 120_000,
	});
	const lastLine = run.stdout.trim().split('\n').pop() ?? '';
	return { code: run.status, report: JSON.parse(lastLine) as ScanResult['report'] };
}

describe("n8n's community package scanner", () => {
	let work: string;
	beforeAll(async () => {
		work = await fsp.mkdtemp(path.join(os.tmpdir(), 'wan-vace-scan-'));
	});
	afterAll(async () => {
		await fsp.rm(work, { recursive: true, force: true });
	});

	it('passes on the source (package.json, nodes/, credentials/)', () => {
		const { code, report } = scan('source');
		expect(report.details ?? '').toBe('');
		expect(report.passed).toBe(true);
		expect(code).toBe(0);
	});

	it('passes on the unpacked npm tarball', async () => {
		const tarball = await packPackage({ destination: work });
		const unpacked = path.join(work, 'package');
		childProcess.execFileSync('tar', ['-xzf', tarball, '-C', work]);
		const files = await fsp.readdir(path.join(unpacked, 'dist', 'nodes', 'WanVace'));
		expect(files).toContain('WanVaceInpaint.node.js');
		const { code, report } = scan('tarball', unpacked);
		expect(report.details ?? '').toBe('');
		expect(report.passed).toBe(true);
		expect(code).toBe(0);
	}, 300_000);

	it('fails a package that breaks a rule (the scan can fail)', async () => {
		const broken = path.join(work, 'broken');
		await fsp.mkdir(path.join(broken, 'nodes'), { recursive: true });
		const packageJson = JSON.parse(await fsp.readFile(path.join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
		packageJson.dependencies = { axios: '^1.0.0' };
		await fsp.writeFile(path.join(broken, 'package.json'), JSON.stringify(packageJson, null, 2));
		await fsp.writeFile(path.join(broken, 'nodes', 'Leaky.node.js'), "'use strict';\nconsole.log(process.env.SECRET);\n");
		const { code, report } = scan('tarball', broken);
		expect(report.passed).toBe(false);
		expect(code).toBe(1);
		expect(report.details).toMatch(/no-runtime-dependencies|dependencies/);
		expect(report.details).toMatch(/no-console|process/);
	});
});
