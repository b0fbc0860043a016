/**
 * The listening socket and its connections: listening, refusing connections for a
 * while, and closing fast even with requests that will never be answered.
 */
import { clearTimeout, http, setTimeout } from '../support/node';

import type { IncomingMessage, ServerResponse, Socket } from './responses';

type HttpServer = ReturnType<typeof http.createServer>;
type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export class HttpListener {
	private server: HttpServer | undefined;
	private readonly sockets = new Set<Socket>();
	private closed = false;
	private boundPort = 0;
	private refusals: Promise<void> = Promise.resolve();
	private signalClosed: () => void = () => undefined;
	/** Resolves when close() is called: a refusal in progress ends early. */
	private readonly closing = new Promise<void>((resolve) => (this.signalClosed = resolve));

	constructor(
		private readonly host: string,
		private readonly handler: RequestHandler,
	) {}

	get port(): number {
		return this.boundPort;
	}

	/** Starts listening; resolves with the port (useful when asked for port 0). */
	listen(port: number): Promise<number> {
		const server = http.createServer(this.handler);
		// Longer than clients' idle keep-alive (Node's agent: 5 s), so the simulator never
		// closes a socket a client is about to reuse: such resets would look like faults.
		server.keepAliveTimeout = 65_000;
		server.headersTimeout = 66_000;
		server.on('connection', (socket: Socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		return new Promise((resolve, reject) => {
			server.once('error', reject);
			server.listen({ host: this.host, port }, () => {
				server.off('error', reject);
				const address = server.address();
				this.boundPort = typeof address === 'object' && address ? address.port : port;
				this.server = server;
				resolve(this.boundPort);
			});
		});
	}

	/**
	 * Stops listening at once (new connections get ECONNREFUSED; open ones, keep-alive
	 * included, are destroyed), then listens on the same port again after ms.
	 */
	refuseConnections(ms: number): Promise<void> {
		// Stop synchronously, so a request made right after this call is refused.
		const stopped = this.stopListening();
		this.refusals = this.refusals.then(async () => {
			await stopped;
			await this.stopListening();
			let timer: ReturnType<typeof setTimeout> | undefined;
			await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, ms))), this.closing]);
			clearTimeout(timer);
			if (!this.closed && !this.server) await this.listen(this.boundPort);
		});
		return this.refusals;
	}

	async close(): Promise<void> {
		this.closed = true;
		this.signalClosed();
		await this.stopListening();
		await this.refusals.catch(() => undefined);
		// A refusal may have been listening again just as close() was called.
		await this.stopListening();
	}

	private stopListening(): Promise<void> {
		const server = this.server;
		this.server = undefined;
		const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
		for (const socket of this.sockets) socket.destroy();
		this.sockets.clear();
		return closed;
	}
}
