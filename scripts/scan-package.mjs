// Lints this package the way n8n's verification does, offline: n8n's own scanner
// (@n8n/scan-community-package, `analyzePackage`) over
//   source   the repository's package.json, nodes/ and credentials/ (the scanner's SOURCE_FILE_PATTERNS)
//   tarball  the unpacked `npm pack` tarball (**/*.js and package.json, what npm users install)
// `node scripts/scan-package.mjs source|tarball [dir]` prints {"passed":...,"details":...} as
// JSON on stdout and exits 0 when the scan passed, 1 when it found violations.
import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];
const [mode, dir] = process.argv.slice(2);
if (mode !== 'source' && mode !== 'tarball') {
	console.error('usage: node scripts/scan-package.mjs source|tarball [dir]');
	process.exit(2);
}
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.resolve(dir ?? repoRoot);
const result = await analyzePackage(target, mode === 'source' ? SOURCE_FILE_PATTERNS : TARBALL_FILE_PATTERNS);
console.log(JSON.stringify({ mode, target, ...result }));
process.exit(result.passed ? 0 : 1);
