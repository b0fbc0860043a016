import { fs, path, repoRoot } from '../support/node';
import { parameterTableMarkdown } from './parameterTable';

const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

describe('README', () => {
	it('lists every parameter as the node has it (regenerate with test/docs/parameterTable.ts if this fails)', () => {
		expect(readme).toContain(parameterTableMarkdown());
	});

	it('puts the two commands near the top', () => {
		const top = readme.split('\n').slice(0, 25).join('\n');
		expect(top).toContain('bash scripts/demo.sh');
		expect(top).toContain('bash scripts/test.sh');
	});
});
