import axios from 'axios';

import { childProcess, delay, events, http, path, process, repoRoot } from '../support/node';
import { CLI_DEFAULT_PORT, parseByteSize, parseCliArgs } from './cli-args';
import { DEFAULT_SIMULATOR_KEY, startSimulator, type Simulator } from './index';
import { isLoopbackAddress } from './responses';
import { authHeaders, client, GENERATIONS, minimalBody, rawRequest, submit } from './test-helpers';

describe('simulator: lifecycle and controls', () => {
	describe('refuseConnections', () => {
		it('refuses new connections (ECONNREFUSED), drops keep-alive ones, then listens again on the same port', async () => {
			const sim = await startSimulator();
			try {
				const agent = new http.Agent({ keepAlive: true });
				const keepAlive = axios.create({
					baseURL: sim.baseUrl,
					httpAgent: agent,
					proxy: false,
					validateStatus: () => true,
				});
				const warm = await keepAlive.get('/v1/billing/balance', { headers: authHeaders(sim) });
				expect(warm.status).toBe(200);
				const socketsBefore = Object.values(agent.freeSockets).flat().length;
				expect(socketsBefore).toBe(1);

				const port = sim.port;
				const refusal = sim.refuseConnections(300);
				const refused = await rawRequest(`${sim.baseUrl}/v1/billing/balance`, { headers: authHeaders(sim) });
				expect(refused.error?.code).toBe('ECONNREFUSED');
				await expect(
					keepAlive.get('/v1/billing/balance', { headers: authHeaders(sim) }),
				).rejects.toMatchObject({
					code: expect.stringMatching(/ECONNRESET|ECONNREFUSED|EPIPE/),
				});

				await refusal;
				expect(sim.port).toBe(port);
				const recovered = await rawRequest(`${sim.baseUrl}/v1/billing/balance`, {
					headers: authHeaders(sim),
				});
				expect(recovered.status).toBe(200);
				expect((await keepAlive.get('/v1/billing/balance', { headers: authHeaders(sim) })).status).toBe(200);
				agent.destroy();
			} finally {
				await sim.close();
			}
		});

		it('close() during a refusal ends it without listening again', async () => {
			const sim = await startSimulator();
			const refusal = sim.refuseConnections(10_000);
			const started = Date.now();
			await sim.close();
			await refusal;
			expect(Date.now() - started).toBeLessThan(1000);
			expect((await rawRequest(`${sim.baseUrl}/`)).error?.code).toBe('ECONNREFUSED');
		});
	});

	it('close() is fast with hung requests pending, and they see the connection drop', async () => {
		const sim = await startSimulator();
		sim.addFault({ route: 'any', kind: 'hang' });
		const hung = [
			rawRequest(`${sim.baseUrl}/v1/billing/balance`, { headers: authHeaders(sim) }),
			rawRequest(`${sim.baseUrl}${GENERATIONS}`, {
				method: 'POST',
				headers: authHeaders(sim),
				body: JSON.stringify(minimalBody()),
			}),
		];
		while (sim.log.length < 2) await delay(1);
		const started = Date.now();
		await sim.close();
		expect(Date.now() - started).toBeLessThan(500);
		for (const result of await Promise.all(hung)) {
			expect(result.status).toBeUndefined();
			expect(result.error?.code).toMatch(/ECONNRESET/);
		}
	});

	describe('HTTP control routes under /__sim/', () => {
		let sim: Simulator;
		beforeAll(async () => {
			sim = await startSimulator({ generationMs: 0 });
		});
		afterAll(async () => {
			await sim.close();
		});

		it('manage faults, options, log, counters and reset without the API key', async () => {
			const control = axios.create({
				baseURL: `${sim.baseUrl}/__sim`,
				proxy: false,
				validateStatus: () => true,
			});
			expect((await control.get('/')).data.routes.length).toBeGreaterThan(5);

			const added = await control.post('/faults', {
				route: 'submit',
				kind: 'status',
				status: 503,
				retryAfter: 1,
				times: 1,
			});
			expect(added.status).toBe(201);
			expect(added.data).toEqual([expect.objectContaining({ kind: 'status', status: 503, remaining: 1 })]);
			expect((await submit(sim)).status).toBe(503);
			expect((await submit(sim)).status).toBe(201);

			expect(
				(
					await control.post('/faults', [
						{ route: 'poll', kind: 'reset' },
						{ route: 'billing', kind: 'badJson' },
					])
				).status,
			).toBe(201);
			expect((await control.get('/faults')).data).toHaveLength(2);
			expect((await control.delete('/faults')).data).toEqual([]);

			expect((await control.post('/faults', { route: 'poll', kind: 'nope' })).status).toBe(400);
			expect((await control.post('/faults', { route: 'poll', kind: 'reset', match: 'x' })).status).toBe(400);
			expect(
				(await control.post('/faults', '{not json', { headers: { 'Content-Type': 'application/json' } }))
					.status,
			).toBe(400);

			const patched = await control.patch('/options', { generationMs: 1234, legacyStatuses: true });
			expect(patched.data).toMatchObject({ generationMs: 1234, legacyStatuses: true });
			expect(sim.options.generationMs).toBe(1234);
			expect((await control.patch('/options', { generationMs: -1 })).status).toBe(400);
			expect((await control.patch('/options', { port: 1 })).status).toBe(400);
			expect((await control.patch('/options', { unknown: 1 })).status).toBe(400);
			expect((await control.get('/options')).data.generationMs).toBe(1234);
			sim.options.generationMs = 0;
			sim.options.legacyStatuses = false;

			const counters = (await control.get('/counters')).data;
			expect(counters).toMatchObject({ posts: 2, acceptedPosts: 1 });
			const log = (await control.get('/log')).data;
			expect(log.map((entry: { status: number }) => entry.status)).toEqual([503, 201]);
			expect((await control.get('/generations')).data).toHaveLength(1);

			expect((await control.post('/reset')).status).toBe(200);
			expect((await control.get('/counters')).data.posts).toBe(0);
			expect(sim.log).toEqual([]);
			expect((await control.get('/nothing-here')).status).toBe(404);
		});

		it('refuse answers first, then refuses connections for the given time', async () => {
			const control = axios.create({
				baseURL: `${sim.baseUrl}/__sim`,
				proxy: false,
				validateStatus: () => true,
			});
			const answer = await control.post(
				'/refuse',
				{ ms: 300 },
				{ httpAgent: new http.Agent({ keepAlive: false }) },
			);
			expect(answer.status).toBe(202);
			await delay(50);
			expect((await rawRequest(`${sim.baseUrl}/__sim/counters`)).error?.code).toBe('ECONNREFUSED');
			await delay(400);
			expect((await rawRequest(`${sim.baseUrl}/__sim/counters`)).status).toBe(200);
		});

		it('only answer loopback clients', () => {
			for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])
				expect(isLoopbackAddress(address)).toBe(true);
			for (const address of ['10.0.0.2', '192.168.1.1', '::ffff:10.0.0.1', 'fe80::1', '', undefined]) {
				expect(isLoopbackAddress(address)).toBe(false);
			}
		});
	});

	describe('standalone CLI', () => {
		it('parses flags over environment variables', () => {
			expect(parseCliArgs([], {}).options).toEqual({ port: CLI_DEFAULT_PORT });
			expect(
				parseCliArgs(
					['--port', '0', '--generation-ms=500', '--key', 'k', '--video-size', '300MB', '--legacy-statuses'],
					{
						SIM_PORT: '9000',
						SIM_GENERATION_MS: '100',
						SIM_CLOCK_SCALE: '0.5',
					},
				).options,
			).toEqual({
				port: 0,
				generationMs: 500,
				apiKey: 'k',
				videoSizeBytes: 300 * 1024 * 1024,
				legacyStatuses: true,
				clockScale: 0.5,
			});
			expect(parseCliArgs(['--help'], {}).help).toBe(true);
			expect(() => parseCliArgs(['--bogus'], {})).toThrow(/Unknown argument/);
			expect(() => parseCliArgs(['--port', 'abc'], {})).toThrow(/number/);
			expect(parseByteSize('1GB')).toBe(1024 ** 3);
			expect(parseByteSize('512 KiB')).toBe(512 * 1024);
			expect(parseByteSize('1048576')).toBe(1048576);
		});

		it('starts, prints the base URL, key and a curl line, serves, and stops on SIGTERM', async () => {
			const cli = childProcess.spawn(
				process.execPath,
				[
					'--import',
					'tsx',
					path.join(repoRoot, 'test', 'simulator', 'cli.ts'),
					'--port',
					'0',
					'--generation-ms',
					'100',
				],
				{ cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
			);
			let output = '';
			cli.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
			cli.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
			try {
				const deadline = Date.now() + 15_000;
				while (!/Ctrl\+C/.test(output)) {
					if (Date.now() > deadline || cli.exitCode !== null)
						throw new Error(`CLI did not start:\n${output}`);
					await delay(25);
				}
				const baseUrl = /Base URL: (\S+)/.exec(output)?.[1] ?? '';
				expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
				expect(output).toContain(`API key:  ${DEFAULT_SIMULATOR_KEY}`);
				expect(output).toMatch(
					/curl -sS -X POST http:\/\/127\.0\.0\.1:\d+\/v2\/video\/generations -H 'Authorization: Bearer /,
				);
				const api = client({ baseUrl, apiKey: DEFAULT_SIMULATOR_KEY });
				const submitted = await api.post(GENERATIONS, minimalBody());
				expect(submitted.status).toBe(201);
				expect((await axios.get(`${baseUrl}/__sim/counters`, { proxy: false })).data.posts).toBe(1);
			} finally {
				cli.kill('SIGTERM');
			}
			const [code] = (await events.once(cli, 'exit')) as [number | null];
			expect(code).toBe(0);
			expect(output).toContain('SIGTERM: stopping');
		});
	});
});
