/**
 * A test run that cleanup.test.ts kills: starts the servers listed in WAN_VACE_CLEANUP_PARTS
 * (n8n, chromium, postgres, redis) through the harness, as a test does, prints one line
 * `READY {…}` once they all answer, then waits to be killed. With WAN_VACE_CLEANUP_END=exit it
 * exits when a line comes on stdin instead, without stopping anything (a run that ends with
 * servers left over).
 *
 *   node --import tsx test/e2e/cleanup-run.ts
 */
import { launchBrowser } from '../browser/chromium';
import { log, process, setInterval } from '../support/node';
import { watchdogInfo } from '../support/process-guard';
import { createN8nEnvironment } from './n8n';
import { startPostgres, startRedis } from './n8n/services';

async function main(): Promise<void> {
	const parts = new Set((process.env.WAN_VACE_CLEANUP_PARTS ?? 'n8n').split(',').filter(Boolean));
	const ready: Record<string, unknown> = {};
	if (parts.has('postgres')) ready.postgresPort = (await startPostgres()).port;
	if (parts.has('redis')) ready.redisPort = (await startRedis()).port;
	if (parts.has('n8n')) {
		const n8n = await createN8nEnvironment({ logLevel: 'warn' });
		const server = await n8n.startServer();
		ready.n8nPort = server.port;
		ready.n8nUserFolder = n8n.userFolder;
	}
	if (parts.has('chromium')) {
		const browser = await launchBrowser();
		await browser.page.goto('about:blank');
		ready.chromium = browser.browser.version();
	}
	ready.watchdog = watchdogInfo();
	log(`READY ${JSON.stringify(ready)}`);
	// Until killed; or, with WAN_VACE_CLEANUP_END=exit, until told to exit (a line on stdin).
	if (process.env.WAN_VACE_CLEANUP_END === 'exit') process.stdin.once('data', () => process.exit(0));
	else setInterval(() => undefined, 60_000);
}

main().catch((error: unknown) => {
	log(`FAILED ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
	process.exit(1);
});
