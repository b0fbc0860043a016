/** Cookie-authenticated client of n8n's internal REST API. */
import { crypto, delay } from '../../support/node';
import { httpRequest } from './process';
import { OWNER } from './types';

/** Cookie-authenticated client of n8n's internal REST API (/rest). */
export class RestClient {
	private cookie = '';

	private readonly browserId = crypto.randomUUID();

	constructor(
		private readonly baseUrl: string,
		private readonly owner: { email: string; secret: string },
	) {}

	/**
	 * n8n 1.x: claims the instance as the owner (once per database; 2.x takes it from env).
	 * 1.x is "ready" once its database is migrated, before its REST routes exist (404).
	 */
	async setupOwner(timeoutMs = 60_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const response = await this.raw('POST', '/owner/setup', {
				email: this.owner.email,
				firstName: OWNER.firstName,
				lastName: OWNER.lastName,
				password: this.owner.secret,
			});
			const text = response.body.toString();
			if (response.status === 200 || (response.status === 400 && /already setup/i.test(text))) return;
			if (response.status !== 404 || Date.now() > deadline) throw new Error(`n8n owner setup failed: ${response.status} ${text}`);
			await delay(200);
		}
	}

	async login(): Promise<void> {
		const response = await this.raw('POST', '/login', {
			emailOrLdapLoginId: this.owner.email,
			password: this.owner.secret,
		});
		if (response.status !== 200) throw new Error(`login to n8n failed: ${response.status} ${response.body.toString()}`);
		const setCookie = response.headers['set-cookie'] ?? [];
		const auth = (Array.isArray(setCookie) ? setCookie : [setCookie]).find((c) => c.startsWith('n8n-auth='));
		if (!auth) throw new Error('n8n login returned no n8n-auth cookie');
		this.cookie = auth.split(';')[0];
	}

	async getJson<T>(serverPath: string): Promise<T> {
		const response = await this.raw('GET', serverPath, undefined, '');
		const text = response.body.toString('utf8');
		if (response.status >= 400) throw new Error(`n8n GET ${serverPath}: ${response.status} ${text.slice(0, 2000)}`);
		return JSON.parse(text) as T;
	}

	async call<T>(method: string, restPath: string, body?: unknown, timeoutMs = 60_000): Promise<T> {
		const response = await this.raw(method, restPath, body, '/rest', timeoutMs);
		const text = response.body.toString('utf8');
		if (response.status >= 400) throw new Error(`n8n ${method} /rest${restPath}: ${response.status} ${text.slice(0, 2000)}`);
		const parsed = text ? (JSON.parse(text) as { data?: T }) : {};
		return (parsed.data ?? parsed) as T;
	}

	private async raw(method: string, restPath: string, body?: unknown, prefix = '/rest', timeoutMs = 60_000) {
		const headers: Record<string, string> = { 'browser-id': this.browserId };
		if (this.cookie) headers.cookie = this.cookie;
		let payload: Buffer | undefined;
		if (body !== undefined) {
			payload = Buffer.from(JSON.stringify(body));
			headers['content-type'] = 'application/json';
		}
		return await httpRequest(new URL(`${this.baseUrl}${prefix}${restPath}`), {
			method,
			headers,
			body: payload,
			timeoutMs,
		});
	}
}
