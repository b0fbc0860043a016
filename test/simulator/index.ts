/**
 * A local stand-in for AI/ML API's video generation endpoints, serving
 * alibaba/wan2.2-vace-fun-a14b-inpainting, with fault injection for tests and benchmarks.
 *
 *   const sim = await startSimulator({ generationMs: 300 });
 *   // point the credential at sim.baseUrl with sim.apiKey
 *   await sim.close();
 */
import { handleApiRequest } from './api';
import { CONTROL_PREFIX, MAX_BODY_BYTES } from './constants';
import { handleControlRequest } from './control';
import { resolveOptions } from './options';
import { apiErrorBody, readBody, sendJson, type IncomingMessage, type ServerResponse } from './responses';
import { INPUTS_PREFIX, type InputLogEntry, handleInputRequest } from './inputHost';
import { HttpListener } from './server';
import { SimulatorState } from './state';
import type {
	FaultRule,
	GenerationRecord,
	RequestLogEntry,
	ResolvedSimulatorOptions,
	SimulatorCounters,
	SimulatorOptions,
} from './types';

export { DEFAULT_SIMULATOR_KEY, MODEL_ID } from './constants';
export {
	FRAME_JPG_PATH,
	FRAME_PNG_PATH,
	MASK_VIDEO_PATH,
	MEDIA_DIR,
	SAMPLE_VIDEO_PATH,
	createLargeVideoStream,
	largeVideoBytes,
	sampleVideoBytes,
} from './media';
export { pollResponseErrors, submitBodyErrors, submitResponseErrors, type FieldError } from './schema';
export type * from './types';
export type { InputLogEntry } from './inputHost';

export type CompletedListener = (id: string, atMs: number) => void;

export interface Simulator {
	readonly baseUrl: string;
	readonly apiKey: string;
	readonly port: number;
	/** Live options: changes apply to later requests (timing ones to generations created later). */
	readonly options: ResolvedSimulatorOptions;
	addFault(rule: FaultRule): void;
	clearFaults(): void;
	/** The fault rules in force, with the uses each has left (null: unlimited). */
	faults(): Array<FaultRule & { remaining: number | null }>;
	/** Every API request, in arrival order (control requests under /__sim/ are not logged). */
	readonly log: RequestLogEntry[];
	/** Every request to the input hosts under /inputs/ (see inputHost.ts). */
	readonly inputLog: InputLogEntry[];
	/** URL of an input served under /inputs/, e.g. inputUrl('sample.mp4'). */
	inputUrl(name: string): string;
	/** A snapshot of the request counters. */
	counters(): SimulatorCounters;
	readonly generations: Map<string, GenerationRecord>;
	/**
	 * A generation made earlier (not a POST of this test: no log entry, no counter), finished at
	 * once; for the usage log (GET /v2/logs). createdAt defaults to now.
	 */
	addGeneration(generation: { clientRequestId: string | null; body?: Record<string, unknown>; createdAt?: number }): GenerationRecord;
	/** Fires when a job reaches its completeAt, whether or not anyone polls (whatever its outcome). */
	on(event: 'completed', listener: CompletedListener): void;
	off(event: 'completed', listener: CompletedListener): void;
	/** Refuses connections for ms, then listens on the same port again; resolves once it does. */
	refuseConnections(ms: number): Promise<void>;
	/** Clears log, counters, faults and generations; reseeds the fault RNG from options.seed. */
	reset(): void;
	/** Destroys every connection (hung ones included) and stops listening. */
	close(): Promise<void>;
}

class RunningSimulator implements Simulator {
	constructor(
		private readonly state: SimulatorState,
		private readonly listener: HttpListener,
	) {}

	get baseUrl(): string {
		return this.state.baseUrl;
	}

	get apiKey(): string {
		return this.state.options.apiKey;
	}

	get port(): number {
		return this.state.port;
	}

	get options(): ResolvedSimulatorOptions {
		return this.state.options;
	}

	get log(): RequestLogEntry[] {
		return this.state.log;
	}

	get inputLog(): InputLogEntry[] {
		return this.state.inputLog;
	}

	inputUrl(name: string): string {
		return `${this.state.baseUrl}${INPUTS_PREFIX}${name}`;
	}

	get generations(): Map<string, GenerationRecord> {
		return this.state.generations.records;
	}

	addGeneration(generation: { clientRequestId: string | null; body?: Record<string, unknown>; createdAt?: number }): GenerationRecord {
		return this.state.generations.create({
			body: generation.body ?? { prompt: 'made earlier' },
			durationMs: 0,
			queuedFraction: 0,
			videoSizeBytes: this.state.options.videoSizeBytes,
			now: generation.createdAt ?? Date.now(),
			clientRequestId: generation.clientRequestId,
		});
	}

	addFault(rule: FaultRule): void {
		this.state.faults.add(rule);
	}

	clearFaults(): void {
		this.state.faults.clear();
	}

	faults(): Array<FaultRule & { remaining: number | null }> {
		return this.state.faults.list();
	}

	counters(): SimulatorCounters {
		return structuredClone(this.state.counters);
	}

	on(event: 'completed', listener: CompletedListener): void {
		this.state.events.on(event, listener);
	}

	off(event: 'completed', listener: CompletedListener): void {
		this.state.events.off(event, listener);
	}

	refuseConnections(ms: number): Promise<void> {
		return this.listener.refuseConnections(ms);
	}

	reset(): void {
		this.state.reset();
	}

	async close(): Promise<void> {
		await this.listener.close();
		this.state.dispose();
	}
}

function isControlPath(pathname: string): boolean {
	return pathname.startsWith(CONTROL_PREFIX) || pathname === CONTROL_PREFIX.slice(0, -1);
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	const state = new SimulatorState(resolveOptions(options));
	// The control routes need the simulator object, which exists once the port is bound.
	const target: { simulator?: Simulator } = {};

	const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		const url = new URL(req.url ?? '/', 'http://simulator.invalid');
		try {
			const body = await readBody(req, MAX_BODY_BYTES);
			if (url.pathname.startsWith(INPUTS_PREFIX)) await handleInputRequest(state, req, res, url);
			else if (isControlPath(url.pathname) && target.simulator)
				handleControlRequest(target.simulator, req, res, url, body.bytes);
			else handleApiRequest(state, req, res, url, body);
		} catch (error) {
			// The client went away mid-request, or a bug: answer if the socket still can.
			if (!res.headersSent && !res.destroyed && !req.socket.destroyed) {
				const message = error instanceof Error ? error.message : String(error);
				sendJson(res, 500, apiErrorBody(500, url.pathname, `Simulator error: ${message}`));
			}
		}
	};

	const listener = new HttpListener(state.options.host, (req, res) => void onRequest(req, res));
	state.port = await listener.listen(state.options.port);
	target.simulator = new RunningSimulator(state, listener);
	return target.simulator;
}
