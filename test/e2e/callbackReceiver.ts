/** A local HTTP endpoint that stands in for the caller's callback URL and keeps what it received. */
import { http, setTimeout } from '../support/node';

export interface ReceivedUpload {
	path: string;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
	at: number;
}

export interface CallbackReceiver {
	/** `http://127.0.0.1:<port>/<name>` */
	url(name: string): string;
	received: ReceivedUpload[];
	/** Resolves once `count` uploads have arrived (rejects after `timeoutMs`). */
	waitFor(count: number, timeoutMs: number): Promise<ReceivedUpload[]>;
	close(): Promise<void>;
}

export async function startCallbackReceiver(): Promise<CallbackReceiver> {
	const received: ReceivedUpload[] = [];
	const waiters: Array<() => void> = [];
	const server = http.createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			received.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks), at: Date.now() });
			response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
			for (const wake of waiters.splice(0)) wake();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	return {
		url: (name) => `http://127.0.0.1:${port}/${name.replace(/^\/+/, '')}`,
		received,
		async waitFor(count, timeoutMs) {
			const deadline = Date.now() + timeoutMs;
			while (received.length < count) {
				const left = deadline - Date.now();
				if (left <= 0) throw new Error(`the callback receiver got ${received.length} of ${count} uploads`);
				await new Promise<void>((resolve) => {
					waiters.push(resolve);
					setTimeout(resolve, Math.min(left, 1000));
				});
			}
			return received;
		},
		async close() {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
