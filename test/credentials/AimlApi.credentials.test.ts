import axios from 'axios';
import type { IHttpRequestOptions } from 'n8n-workflow';

import { AimlApi } from '../../credentials/AimlApi.credentials';
import { resolveExpression } from '../harness/engine';
import { type Simulator, startSimulator } from '../simulator';

const credential = new AimlApi();
const KEY = ['sim', 'key', '0123456789abcdef'].join('-');

function testUrl(baseUrl: string): string {
	return String(resolveExpression(credential.test.request.url as string, { $credentials: { apiKey: KEY, baseUrl } }));
}

describe('AI/ML API credential', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startSimulator();
	});
	afterAll(async () => await sim.close());

	it('has a password API key, a base URL defaulting to AI/ML API, an icon and documentation', () => {
		const apiKey = credential.properties.find((property) => property.name === 'apiKey');
		const baseUrl = credential.properties.find((property) => property.name === 'baseUrl');
		expect(apiKey?.typeOptions?.password).toBe(true);
		expect(baseUrl?.default).toBe('https://api.aimlapi.com');
		expect(credential.icon).toEqual({ light: 'file:aimlApi.svg', dark: 'file:aimlApi.dark.svg' });
		expect(credential.documentationUrl).toMatch(/^https:\/\/docs\.aimlapi\.com\//);
	});

	it('authenticates with a Bearer header (resolved by the n8n expression engine)', () => {
		const header = credential.authenticate.properties.headers?.Authorization as string;
		expect(resolveExpression(header, { $credentials: { apiKey: ` ${KEY} ` } })).toBe(`Bearer ${KEY}`);
	});

	it('tests against the billing endpoint of AI/ML API by default', () => {
		expect(testUrl('https://api.aimlapi.com')).toBe('https://billing.aimlapi.com/v1/billing/balance');
		expect(testUrl('https://api.aimlapi.com/')).toBe('https://billing.aimlapi.com/v1/billing/balance');
		expect(testUrl('')).toBe('https://billing.aimlapi.com/v1/billing/balance');
	});

	it('tests against the proxy itself when the Base URL is custom, and the simulator answers it', async () => {
		const url = testUrl(`${sim.baseUrl}/`);
		expect(url).toBe(`${sim.baseUrl}/v1/billing/balance`);
		const ok = await axios.get(url, { headers: { Authorization: `Bearer ${sim.apiKey}` } });
		expect(ok.data).toMatchObject({ status: 'current' });
		const rejected = await axios.get(url, { headers: { Authorization: 'Bearer nope' }, validateStatus: () => true });
		expect(rejected.status).toBe(401);
	});

	it('a failing test says what the status code means for this API', () => {
		const rules = credential.test.rules ?? [];
		const byCode = Object.fromEntries(rules.map((rule) => [String((rule.properties as { value: number }).value), (rule.properties as { message: string }).message]));
		expect(Object.keys(byCode).sort()).toEqual(['401', '403', '404']);
		expect(byCode['401']).toContain('rejected the API key');
		expect(byCode['404']).toContain('Base URL');
	});

	it('the test request carries no secret itself', () => {
		const request = credential.test.request as IHttpRequestOptions;
		expect(JSON.stringify(request)).not.toContain('Bearer');
	});
});
