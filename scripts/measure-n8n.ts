/**
 * Measures the two ways test/e2e/n8n.ts runs workflows through a real n8n, on this
 * machine: `n8n execute --id` (one boot per run) against one `n8n start` server (manual
 * runs through REST, webhook calls). Prints a table; also checks that n8n looked up no
 * host name but loopback ones (it must not try the internet).
 *
 *   . scripts/node24.sh && npx tsx scripts/measure-n8n.ts [runs]    # runs per server mode, default 10
 */
import {
	createN8nEnvironment,
	ensureN8n,
	packPackage,
	type N8nEnvironment,
	type WorkflowImport,
} from '../test/e2e/n8n';
import { fs, log, logError, os, path, process } from '../test/support/node';

const runs = Number(process.argv[2] ?? 10);
const main = (node: string) => ({ main: [[{ node, type: 'main', index: 0 }]] });

const codeWorkflow: WorkflowImport = {
	id: 'measureManual001',
	name: 'measure: manual → code',
	nodes: [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
		{ name: 'Code', type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { jsCode: 'return [1, 2, 3].map((i) => ({ json: { i } }));' } },
	],
	connections: { Start: main('Code') },
};
const setWorkflow: WorkflowImport = {
	id: 'measureManualSet',
	name: 'measure: manual → set',
	nodes: [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
		{
			name: 'Set',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			parameters: { mode: 'manual', assignments: { assignments: [{ id: 'a', name: 'x', type: 'number', value: 1 }] }, options: {} },
		},
	],
	connections: { Start: main('Set') },
};
const webhookWorkflow: WorkflowImport = {
	id: 'measureWebhook01',
	name: 'measure: webhook → set',
	nodes: [
		{
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			webhookId: '0b6a3c1e-6a55-4c55-a4b1-5e0f3f4b2c11',
			parameters: { httpMethod: 'POST', path: 'measure', responseMode: 'lastNode', options: {} },
		},
		{
			name: 'Set',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			parameters: { mode: 'manual', assignments: { assignments: [{ id: 'a', name: 'ok', type: 'boolean', value: true }] }, options: {} },
		},
	],
	connections: { Webhook: main('Set') },
};

const rows: Array<[string, string]> = [];
async function time<T>(label: string, fn: () => Promise<T>): Promise<T> {
	const started = Date.now();
	const result = await fn();
	rows.push([label, `${Date.now() - started} ms`]);
	return result;
}
async function series(label: string, count: number, fn: () => Promise<unknown>): Promise<void> {
	const times: number[] = [];
	for (let i = 0; i < count; i++) {
		const started = Date.now();
		await fn();
		times.push(Date.now() - started);
	}
	const sorted = [...times].sort((a, b) => a - b);
	const summary =
		count <= 3
			? times.map((ms) => `${ms} ms`).join(', ')
			: `first ${times[0]} ms, median ${sorted[Math.floor((count - 1) / 2)]} ms, max ${sorted[count - 1]} ms`;
	rows.push([`${label} (×${count})`, summary]);
}

async function measure(): Promise<void> {
	const dnsLog = path.join(os.tmpdir(), `wan-vace-measure-dns-${process.pid}.log`);
	const dnsHook = path.join(os.tmpdir(), `wan-vace-measure-dns-${process.pid}.js`);
	fs.writeFileSync(
		dnsHook,
		`const dns = require('dns'), fs = require('fs'); const log = (h) => fs.appendFileSync(${JSON.stringify(dnsLog)}, h + '\\n');
const l = dns.lookup; dns.lookup = function (h, ...a) { log(h); return l.call(this, h, ...a); };
const p = dns.promises.lookup; dns.promises.lookup = function (h, ...a) { log(h); return p.call(this, h, ...a); };\n`,
	);
	await time('ensureN8n (warm cache)', ensureN8n);
	const tarball = await time('packPackage (npm run build + npm pack)', packPackage);
	let n8n: N8nEnvironment | undefined;
	try {
		n8n = await time('createN8nEnvironment (temp folder, unpack)', () =>
			createN8nEnvironment({ tarball, env: { NODE_OPTIONS: `--require ${dnsHook}` } }),
		);
		const env = n8n;
		await time('CLI import:credentials (first boot: DB migrations)', () =>
			env.importCredentials([{ id: 'measureCred00001', name: 'AI/ML', type: 'aimlApi', data: { apiKey: 'k' } }]),
		);
		await time('CLI import:workflow (3 workflows, one boot)', () => env.importWorkflows([codeWorkflow, setWorkflow, webhookWorkflow]));
		await series('CLI execute --id, Manual → Code', 2, () => env.execute(codeWorkflow.id as string));
		await series('CLI execute --id, Manual → Set', 1, () => env.execute(setWorkflow.id as string));
		const server = await time('server boot (n8n start → readiness + login)', () => env.startServer());
		await series('server manual run, Manual → Code', runs, () => env.execute(codeWorkflow.id as string));
		await series('server manual run, Manual → Set', runs, () => env.execute(setWorkflow.id as string));
		await time('server REST import:workflow', () => env.importWorkflow({ ...setWorkflow, id: 'measureRestImp01' }));
		await time('server activateWorkflow (webhook live)', () => server.activateWorkflow(webhookWorkflow.id as string));
		await series('webhook call only (respond: last node)', runs, () => server.callWebhook('measure', { body: {} }));
		await series('webhook call + read its execution', runs, () => server.runWebhook(webhookWorkflow.id as string, 'measure', { body: {} }));
		await time('server stop', () => server.stop());
	} finally {
		await n8n?.dispose();
		fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
	}
	const hosts = fs.existsSync(dnsLog) ? [...new Set(fs.readFileSync(dnsLog, 'utf8').trim().split('\n'))] : [];
	rows.push(['host names n8n looked up', hosts.join(', ') || '(none)']);
	fs.rmSync(dnsLog, { force: true });
	fs.rmSync(dnsHook, { force: true });
	const width = Math.max(...rows.map(([label]) => label.length));
	log(rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n'));
	const external = hosts.filter((host) => !/^(127\.|localhost$|::1$)/.test(host));
	if (external.length > 0) {
		log(`n8n tried to reach: ${external.join(', ')}`);
		process.exitCode = 1;
	}
}

measure().catch((error: unknown) => {
	logError(error);
	process.exitCode = 1;
});
