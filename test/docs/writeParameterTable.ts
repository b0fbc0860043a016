/**
 * Rewrites the generated parameter table of docs/PARAMETERS.md from
 * nodes/WanVace/descriptions/apiParameters.ts: `npx tsx test/docs/writeParameterTable.ts`.
 * test/docs/readme.test.ts fails until the file and the source agree.
 */
import { fs, log, path, repoRoot } from '../support/node';
import { withRenderedTable } from './parameterTable';

const file = path.join(repoRoot, 'docs', 'PARAMETERS.md');
fs.writeFileSync(file, withRenderedTable(fs.readFileSync(file, 'utf8')));
log(`wrote ${path.relative(repoRoot, file)}`);
