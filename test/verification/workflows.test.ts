/** The GitHub Actions workflows: CI runs the project's own test command, publishing carries provenance. */
import { fs, path, repoRoot } from '../support/node';

const read = (name: string) => fs.readFileSync(path.join(repoRoot, '.github', 'workflows', name), 'utf8');

describe('GitHub Actions workflows', () => {
	it('ci.yml runs .ci/run, the command CI runs here, within its 90 minutes', () => {
		const ci = read('ci.yml');
		expect(ci).toMatch(/run: bash \.ci\/run/);
		expect(ci).toMatch(/timeout-minutes: 90/);
		expect(ci).toMatch(/pull_request/);
	});

	it('publish.yml publishes on a version tag with an npm provenance statement', () => {
		const publish = read('publish.yml');
		expect(publish).toMatch(/tags:\s*\n\s*- '\*\.\*\.\*'/);
		expect(publish).toMatch(/id-token: write/);
		expect(publish).toMatch(/npm publish --provenance --access public/);
		expect(publish).toMatch(/GITHUB_REF_NAME/);
	});
});
