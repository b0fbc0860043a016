// Checks what `npm publish` would send, before it is sent (npm's `prepublishOnly`, after the
// build): every file that package.json's `n8n` block names (its nodes and credentials) and its
// `main` are in the packed file list (`npm pack --dry-run`, the `files` field applied), and the
// package has no runtime dependencies. n8n loads exactly those paths after installing; a wrong
// one makes Settings → Community Nodes refuse the package ("Failed to load package").
//
//   node scripts/check-package.mjs [package folder]   (default: the repository)
//
// Exits 0 when every check holds; otherwise prints each problem on stderr and exits 1.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.resolve(process.argv[2] ?? repoRoot);
const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));

const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
const [packed] = JSON.parse(
	execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
);
const files = new Set(packed.files.map((file) => file.path));

const problems = [];
const n8n = manifest.n8n ?? {};
const named = [...(n8n.nodes ?? []), ...(n8n.credentials ?? [])];
if ((n8n.nodes ?? []).length === 0) problems.push('package.json: n8n.nodes lists no node');
for (const file of named) {
	if (!files.has(path.posix.normalize(file))) problems.push(`package.json: n8n names ${file}, which is not in the packed tarball`);
}
if (manifest.main && !files.has(path.posix.normalize(manifest.main))) problems.push(`package.json: main is ${manifest.main}, which is not in the packed tarball`);
if (Object.keys(manifest.dependencies ?? {}).length > 0) {
	problems.push(`package.json: runtime dependencies (${Object.keys(manifest.dependencies).join(', ')}); n8n's verified nodes may have none`);
}
if (!(manifest.keywords ?? []).includes('n8n-community-node-package')) problems.push('package.json: the keyword n8n-community-node-package is missing');

if (problems.length > 0) {
	for (const problem of problems) console.error(`check-package: ${problem}`);
	process.exit(1);
}
console.log(`check-package: ${manifest.name}@${manifest.version}: ${named.length} n8n files and main in the ${files.size}-file tarball, no runtime dependencies`);
