/**
 * The documents (README.md, CONTRIBUTING.md, docs/*.md) against the repository they describe:
 * links and images resolve, named files exist, every `npm run X` is a script, the generated
 * parameter table equals what the source renders, the README's figures come from the source,
 * and no internal history leaks in. Unit tier: reads source and files, no build.
 */
import { API_PARAMETERS } from '../../nodes/WanVace/descriptions/apiParameters';
import { runOptionsCollection } from '../../nodes/WanVace/descriptions/runOptions';
import { fs, path, repoRoot } from '../support/node';
import { parameterTableMarkdown, tableSection } from './parameterTable';

interface Doc {
	/** Path from the repository root, e.g. docs/RELIABILITY.md. */
	name: string;
	text: string;
}

function readDoc(name: string): Doc {
	return { name, text: fs.readFileSync(path.join(repoRoot, name), 'utf8') };
}

/** Every Markdown document a reader is sent to: the README, CONTRIBUTING and docs/. */
function documents(): Doc[] {
	const inDocs = fs
		.readdirSync(path.join(repoRoot, 'docs'))
		.filter((file: string) => file.endsWith('.md'))
		.map((file: string) => `docs/${file}`);
	return ['README.md', 'CONTRIBUTING.md', ...inDocs].map(readDoc);
}

/** The text outside fenced code blocks. */
function prose(text: string): string {
	return text.replace(/^```[^\n]*\n[\s\S]*?^```[^\n]*$/gm, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
	return heading
		.trim()
		.toLowerCase()
		.replace(/[`*_]/g, '')
		.replace(/[^\p{L}\p{N}\s-]/gu, '')
		.replace(/\s/g, '-');
}

function headings(text: string): string[] {
	return [...prose(text).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)].map((match) => match[1]);
}

function anchors(text: string): Set<string> {
	const seen = new Map<string, number>();
	const result = new Set<string>();
	for (const heading of headings(text)) {
		const base = anchorOf(heading);
		const count = seen.get(base) ?? 0;
		seen.set(base, count + 1);
		result.add(count === 0 ? base : `${base}-${count}`);
	}
	return result;
}

/** Targets of Markdown links and images, and of HTML src/href attributes, outside code. */
function linkTargets(text: string): string[] {
	const body = prose(text);
	const markdown = [...body.matchAll(/!?\[(?:[^\]\n]|\][^(\n])*?\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]);
	const html = [...body.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
	return [...markdown, ...html];
}

/** Targets of Markdown images and HTML img tags, outside code. */
function imageTargets(text: string): string[] {
	const body = prose(text);
	const markdown = [...body.matchAll(/!\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]);
	const html = [...body.matchAll(/<img\b[^>]*\bsrc="([^"]+)"/g)].map((match) => match[1]);
	return [...markdown, ...html];
}

function isExternal(target: string): boolean {
	return /^[a-z][a-z0-9+.-]*:/i.test(target);
}

/**
 * What is wrong with a relative link from `doc` (a missing file or a missing heading), or
 * undefined when it resolves.
 */
function brokenLink(doc: Doc, target: string): string | undefined {
	const [file, anchor] = target.split('#') as [string, string | undefined];
	const resolved = file === '' ? path.join(repoRoot, doc.name) : path.resolve(path.dirname(path.join(repoRoot, doc.name)), decodeURIComponent(file));
	if (!resolved.startsWith(repoRoot)) return `${doc.name}: ${target} points outside the repository`;
	if (!fs.existsSync(resolved)) return `${doc.name}: ${target} (no file ${path.relative(repoRoot, resolved)})`;
	if (anchor !== undefined && resolved.endsWith('.md') && !anchors(fs.readFileSync(resolved, 'utf8')).has(anchor)) {
		return `${doc.name}: ${target} (no heading #${anchor} in ${path.relative(repoRoot, resolved)})`;
	}
	return undefined;
}

/** Folders a file path in backticks may start with. */
const ROOTS = ['nodes/', 'credentials/', 'test/', 'scripts/', 'examples/', 'docs/', 'bench/', '.github/', '.ci/'];
/** Layer folders, which ARCHITECTURE.md and CONTRIBUTING.md name relative to nodes/WanVace/. */
const NODE_DIR = 'nodes/WanVace/';

/**
 * File paths written in backticks, e.g. `test/e2e/examples.test.ts` or `actions/router.ts`:
 * a slash and an extension, no placeholder (`<operation>`, `*`, `…`).
 */
function namedFiles(text: string): string[] {
	const spans = [...text.matchAll(/`([^`\n]+)`/g)].map((match) => match[1].trim());
	return spans.filter((span) => /^[\w.-]+(\/[\w.-]+)+\.[a-z]{1,5}$/i.test(span) && !/[<>*…]/.test(span));
}

function fileExists(named: string): boolean {
	const candidates = ROOTS.some((root) => named.startsWith(root)) ? [named] : [named, NODE_DIR + named];
	return candidates.some((candidate) => fs.existsSync(path.join(repoRoot, candidate)));
}

/** `npm run X`, `npm test` and `npm run X -- …` as the documents write them. */
function npmScripts(text: string): string[] {
	const run = [...text.matchAll(/\bnpm run ([\w:.-]+)/g)].map((match) => match[1]);
	const test = /\bnpm test\b/.test(text) ? ['test'] : [];
	return [...run, ...test];
}

/** Words that tell the project's own history instead of what is true now. */
const INTERNAL_HISTORY: RegExp[] = [
	/\bissues?\s*#?\d+/i,
	/\bseed[- ]era\b/i,
	/\bseed (?:page|documentation)\b/i,
	/\bthis machine\b/i,
	/\b(?:earlier|previous|last) session\b/i,
	/\bSection \d+\b/,
];

const docs = documents();
const readme = docs.find((doc) => doc.name === 'README.md') as Doc;
const scripts = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

describe('the documents', () => {
	it('are the README, CONTRIBUTING.md and the four pages of docs/', () => {
		const names = docs.map((doc) => doc.name);
		expect(names).toEqual(expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'docs/ARCHITECTURE.md', 'docs/BENCHMARKS.md', 'docs/PARAMETERS.md', 'docs/RELIABILITY.md']));
	});

	it('link only to files and headings that exist (links and images)', () => {
		const broken = docs.flatMap((doc) =>
			linkTargets(doc.text)
				.filter((target) => !isExternal(target))
				.map((target) => brokenLink(doc, target))
				.filter((problem): problem is string => problem !== undefined),
		);
		expect(broken).toEqual([]);
	});

	it('name only files that exist', () => {
		const missing = docs.flatMap((doc) => namedFiles(doc.text).filter((named) => !fileExists(named)).map((named) => `${doc.name}: ${named}`));
		expect(missing).toEqual([]);
	});

	it('mention only npm scripts that package.json has', () => {
		const unknown = docs.flatMap((doc) => npmScripts(doc.text).filter((script) => !(script in scripts)).map((script) => `${doc.name}: npm run ${script}`));
		expect(unknown).toEqual([]);
	});

	it('tell no internal history', () => {
		const found = docs.flatMap((doc) =>
			doc.text.split('\n').flatMap((line, index) =>
				INTERNAL_HISTORY.filter((pattern) => pattern.test(line)).map((pattern) => `${doc.name}:${index + 1} ${pattern}: ${line.trim()}`),
			),
		);
		expect(found).toEqual([]);
	});

	it('have one heading per section (no heading twice in a document)', () => {
		const repeated = docs.flatMap((doc) => {
			const all = headings(doc.text);
			return all.filter((heading, index) => all.indexOf(heading) !== index).map((heading) => `${doc.name}: ${heading}`);
		});
		expect(repeated).toEqual([]);
	});
});

describe('docs/PARAMETERS.md', () => {
	it('has the parameter table exactly as test/docs/parameterTable.ts renders it from the source (regenerate: npx tsx test/docs/writeParameterTable.ts)', () => {
		const parameters = docs.find((doc) => doc.name === 'docs/PARAMETERS.md') as Doc;
		expect(tableSection(parameters.text)).toBe(parameterTableMarkdown());
	});

	it('renders one row per API parameter of the source', () => {
		const rows = parameterTableMarkdown().split('\n').slice(2);
		expect(rows.map((row) => row.split(' | ')[0].replace(/^\| `|`$/g, ''))).toEqual(API_PARAMETERS.map((parameter) => parameter.apiName));
	});
});

describe('README.md', () => {
	it('is under 200 lines', () => {
		expect(readme.text.split('\n').length).toBeLessThan(200);
	});

	it('shows the node: at least one screenshot from docs/', () => {
		const images = imageTargets(readme.text).filter((target) => /^docs\/[^/]+\.png$/.test(target));
		expect(images.length).toBeGreaterThan(0);
	});

	it('links to the changelog, the contributor guide and every page of docs/', () => {
		const targets = new Set(linkTargets(readme.text).map((target) => target.split('#')[0]));
		const pages = docs.filter((doc) => doc.name.startsWith('docs/')).map((doc) => doc.name);
		expect([...targets]).toEqual(expect.arrayContaining(['CHANGELOG.md', 'CONTRIBUTING.md', ...pages]));
	});

	it('counts the parameters the node has', () => {
		const counts = [...readme.text.matchAll(/\b(\d+) parameters\b/g)].map((match) => Number(match[1]));
		expect(counts.length).toBeGreaterThan(0);
		expect(new Set(counts)).toEqual(new Set([API_PARAMETERS.length]));
	});

	it('lists every Run Option of Generate with its default, as the node defines them', () => {
		const section = readme.text.split(/^## /m).find((part) => part.startsWith('Run Options')) ?? '';
		const rows = [...section.matchAll(/^\| ([^|]+?) \| ([^|]+?) \|/gm)]
			.map((match) => [match[1], match[2]])
			.filter(([name]) => name !== 'Run Option' && !/^-+$/.test(name));
		const shown = (value: unknown) => (value === true ? 'on' : value === false ? 'off' : typeof value === 'string' ? `\`${value}\`` : String(value));
		const expected = (runOptionsCollection('generate').options ?? []).map((option) => ['displayName' in option ? option.displayName : '', shown('default' in option ? option.default : undefined)]);
		expect(rows.sort()).toEqual(expected.sort());
	});
});
