/** A running `n8n start`: webhooks, executions and n8n's REST API. */
import { delay } from '../../support/node';
import { type ManagedProcess, httpRequest, procMemoryBytes } from './process';
import { isN8n1 } from './lines';
import type { RestClient } from './rest';
import { hasFinalRunData, parseFlatted, toExecutionResult } from './results';
import { EXECUTION_TIMEOUT_MS, type ExecutionResult, type N8nServer, type WebhookCall, type WebhookResponse } from './types';

/** What a server needs of the environment that started it. */
export interface ServerHost {
	readonly install: { version: string };
	storageDir(): string;
	stopServer(): Promise<void>;
}

const TERMINAL_STATUSES = new Set(['success', 'error', 'crashed', 'canceled', 'waiting']);
/** Ended before (or without) writing the run data of any node. */
const RUN_DATA_OPTIONAL = new Set(['crashed', 'canceled']);

export class Server implements N8nServer {
	constructor(
		private readonly environment: ServerHost,
		private readonly client: RestClient,
		private readonly proc: ManagedProcess,
		readonly baseUrl: string,
		readonly port: number,
		readonly bootMs: number,
	) {}

	webhookUrl(webhookPath: string): string {
		return `${this.baseUrl}/webhook/${webhookPath.replace(/^\/+/, '')}`;
	}

	async rest<T = unknown>(method: string, restPath: string, body?: unknown, opts: { timeoutMs?: number } = {}): Promise<T> {
		return await this.client.call<T>(method, restPath, body, opts.timeoutMs);
	}

	async getJson<T = unknown>(serverPath: string): Promise<T> {
		return await this.client.getJson<T>(serverPath);
	}

	async activateWorkflow(workflowId: string, opts: { timeoutMs?: number } = {}): Promise<void> {
		const id = encodeURIComponent(workflowId);
		const workflow = await this.rest<{ versionId: string }>('GET', `/workflows/${id}`);
		await this.rest('POST', `/workflows/${id}/activate`, { versionId: workflow.versionId });
		// 1.x registers the triggers before it answers (a failure is an HTTP 400).
		if (isN8n1(this.environment.install.version)) return;
		// Publication is asynchronous: wait until this version's triggers are registered.
		const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
		let status: PublicationStatus | undefined;
		while (Date.now() < deadline) {
			status = await this.rest<PublicationStatus>('GET', `/workflows/${id}/publication-status`);
			const failed = status.triggers?.find((trigger) => trigger.status === 'error' || trigger.errorMessage);
			if (failed) throw new Error(`activating workflow ${workflowId} failed: ${failed.errorMessage ?? JSON.stringify(failed)}`);
			const live =
				status.status === 'published' &&
				status.liveVersionId === workflow.versionId &&
				!status.pendingVersionId &&
				(status.triggers ?? []).every((trigger) => trigger.status === 'activated');
			if (live) return;
			await delay(100);
		}
		throw new Error(`workflow ${workflowId} was not published in time: ${JSON.stringify(status)}`);
	}

	async deactivateWorkflow(workflowId: string): Promise<void> {
		await this.rest('POST', `/workflows/${encodeURIComponent(workflowId)}/deactivate`, {});
	}

	async callWebhook(webhookPath: string, call: WebhookCall = {}): Promise<WebhookResponse> {
		const url = new URL(this.webhookUrl(webhookPath));
		for (const [key, value] of Object.entries(call.query ?? {})) url.searchParams.set(key, value);
		const headers: Record<string, string> = { ...(call.headers ?? {}) };
		let payload: Buffer | undefined;
		if (call.body !== undefined) {
			if (Buffer.isBuffer(call.body)) {
				payload = call.body;
			} else if (typeof call.body === 'string') {
				payload = Buffer.from(call.body);
			} else {
				payload = Buffer.from(JSON.stringify(call.body));
				headers['content-type'] ??= 'application/json';
			}
		}
		const response = await httpRequest(url, {
			method: call.method ?? 'POST',
			headers,
			body: payload,
			timeoutMs: call.timeoutMs ?? EXECUTION_TIMEOUT_MS,
		});
		return {
			...response,
			text: () => response.body.toString('utf8'),
			json: <T>() => JSON.parse(response.body.toString('utf8')) as T,
		};
	}

	async runWebhook(
		workflowId: string,
		webhookPath: string,
		call: WebhookCall = {},
	): Promise<{ response: WebhookResponse; execution: ExecutionResult }> {
		const afterId = await this.lastExecutionId(workflowId);
		const response = await this.callWebhook(webhookPath, call);
		const execution = await this.waitForExecution(workflowId, { afterId, timeoutMs: call.timeoutMs });
		return { response, execution };
	}

	async lastExecutionId(workflowId: string): Promise<string | undefined> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const list = await this.rest<{ results: Array<{ id: string }> }>('GET', `/executions?filter=${filter}&limit=1`);
		return list.results[0]?.id;
	}

	async waitForExecution(
		workflowId: string,
		opts: { afterId?: string; timeoutMs?: number } = {},
	): Promise<ExecutionResult> {
		const deadline = Date.now() + (opts.timeoutMs ?? EXECUTION_TIMEOUT_MS);
		while (Date.now() < deadline) {
			const id = await this.lastExecutionId(workflowId);
			if (id !== undefined && (opts.afterId === undefined || Number(id) > Number(opts.afterId))) {
				return await this.getExecution(id, { timeoutMs: deadline - Date.now() });
			}
			await delay(100);
		}
		throw new Error(`no new execution of workflow ${workflowId} after ${opts.afterId ?? 'none'}`);
	}

	async getExecution(id: string, opts: { timeoutMs?: number; pastWaiting?: boolean } = {}): Promise<ExecutionResult> {
		const started = Date.now();
		const deadline = started + (opts.timeoutMs ?? EXECUTION_TIMEOUT_MS);
		let pollMs = 50;
		for (;;) {
			const execution = await this.rest<RestExecution>('GET', `/executions/${encodeURIComponent(id)}`);
			const done = execution.finished || (TERMINAL_STATUSES.has(execution.status) && !(opts.pastWaiting && execution.status === 'waiting'));
			// Parsed only once the execution has ended: a running one's data is read again anyway.
			const data = !done || execution.data === undefined ? undefined : typeof execution.data === 'string' ? parseFlatted(execution.data) : execution.data;
			// n8n 1.x on SQLite (pool size 0) writes the status first and the run data in a second,
			// separate update: a read in between sees "success" with the data of the start.
			if (data !== undefined && (hasFinalRunData(data) || RUN_DATA_OPTIONAL.has(execution.status))) {
				return toExecutionResult(
					{ ...execution, data },
					{
						via: 'server',
						executionId: String(execution.id),
						storageDir: this.environment.storageDir(),
						durationMs: Date.now() - started,
						stdout: '',
						stderr: '',
					},
				);
			}
			if (Date.now() > deadline) {
				const what = done ? `${execution.status}, but its run data was never written,` : `still ${execution.status}`;
				throw new Error(`execution ${id} is ${what} after ${opts.timeoutMs ?? EXECUTION_TIMEOUT_MS} ms`);
			}
			await delay(pollMs);
			pollMs = Math.min(pollMs * 2, 500);
		}
	}

	log(): string {
		return this.proc.output();
	}

	peakRssBytes(): number | undefined {
		return this.proc.exited ? undefined : procMemoryBytes(this.proc.pid, 'VmHWM');
	}

	rssBytes(): number | undefined {
		return this.proc.exited ? undefined : procMemoryBytes(this.proc.pid, 'VmRSS');
	}

	async stop(): Promise<void> {
		await this.environment.stopServer();
	}

	async crash(): Promise<void> {
		await this.proc.kill('SIGKILL');
		await this.environment.stopServer();
	}
}

interface PublicationStatus {
	status?: string;
	liveVersionId?: string | null;
	pendingVersionId?: string | null;
	triggers?: Array<{ nodeId: string; status: string; errorMessage?: string | null }>;
}

interface RestExecution {
	id: string;
	finished: boolean;
	status: string;
	mode?: string;
	data?: unknown;
	[key: string]: unknown;
}

export async function waitForReadiness(baseUrl: string, proc: ManagedProcess, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (proc.exited) throw new Error(`n8n start exited (code ${proc.exitCode}) before it was ready`);
		try {
			const response = await httpRequest(new URL(`${baseUrl}/healthz/readiness`), { method: 'GET', timeoutMs: 2000 });
			if (response.status === 200) return;
		} catch {
			// not listening yet
		}
		await delay(100);
	}
	throw new Error(`n8n was not ready within ${timeoutMs} ms`);
}
