/** HTTP plumbing shared by the API and control routes. */
import { crypto, http } from '../support/node';

export type IncomingMessage = InstanceType<typeof http.IncomingMessage>;
export type ServerResponse = InstanceType<typeof http.ServerResponse>;
export type Socket = IncomingMessage['socket'];

export type Headers = Record<string, string | number>;

export const JSON_TYPE = 'application/json; charset=utf-8';

/** Messages AI/ML API uses (or would use) for each error status. */
const ERROR_MESSAGES: Record<number, string> = {
	400: 'Bad request',
	401: 'Unauthorized: invalid or missing API key',
	403: 'Forbidden: insufficient credits. Top up your balance to continue',
	404: 'Not found',
	408: 'Request timeout',
	409: 'Conflict',
	413: 'Payload too large',
	422: 'Unprocessable entity',
	429: 'Too many requests: rate limit exceeded, please retry later',
	500: 'Internal server error',
	502: 'Bad gateway',
	503: 'Service unavailable: the model is temporarily overloaded',
	504: 'Generation timeout',
};

export function defaultErrorMessage(status: number): string {
	return ERROR_MESSAGES[status] ?? http.STATUS_CODES[status] ?? `HTTP ${status}`;
}

/** AI/ML API's error body: `{message, path, requestId, statusCode, timestamp}` plus extras. */
export function apiErrorBody(
	status: number,
	path: string,
	message = defaultErrorMessage(status),
	extra: Record<string, unknown> = {},
): Record<string, unknown> {
	return {
		message,
		path,
		requestId: crypto.randomUUID(),
		statusCode: status,
		timestamp: new Date().toISOString(),
		...extra,
	};
}

export function jsonBytes(body: unknown): Buffer {
	return Buffer.from(JSON.stringify(body), 'utf8');
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
	const bytes = jsonBytes(body);
	res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': bytes.length });
	res.end(bytes);
}

/** Drops the connection with a TCP reset and no response. */
export function resetConnection(socket: Socket): void {
	if (socket.destroyed) return;
	socket.resetAndDestroy();
}

export interface RequestBody {
	bytes: Buffer;
	/** The body went past the limit; bytes holds only what came before it. */
	tooLarge: boolean;
}

/** Reads the whole request body, keeping at most limitBytes (the rest is drained). */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<RequestBody> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let total = 0;
		req.on('data', (chunk: Buffer) => {
			total += chunk.length;
			if (total <= limitBytes) chunks.push(chunk);
		});
		req.on('end', () => resolve({ bytes: Buffer.concat(chunks), tooLarge: total > limitBytes }));
		req.on('error', reject);
		req.on('close', () => {
			if (!req.complete) reject(new Error('The client went away before sending the whole body'));
		});
	});
}

/** True for 127.0.0.0/8 and ::1, including IPv4-mapped IPv6 forms. */
export function isLoopbackAddress(address: string | undefined): boolean {
	if (!address) return false;
	const ipv4 = address.replace(/^::ffff:/i, '');
	return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ipv4) || address === '::1';
}
