/** Public types of the AI/ML API simulator. */

export type JsonObject = Record<string, unknown>;

/** The API routes the simulator serves (control routes under /__sim/ are not among them). */
export type Route = 'submit' | 'poll' | 'download' | 'billing' | 'catalogue' | 'logs';

/** Routes a fault rule can target; 'any' means every API route. */
export type FaultRoute = Route | 'any';

/** Faults that replace or break one HTTP response. */
export type ResponseFaultKind =
	| 'status'
	| 'reset'
	| 'hang'
	| 'badJson'
	| 'missingFields'
	| 'downloadCut'
	| 'redirect';

/** Faults that decide how a generation ends; they show up in the terminal poll responses. */
export type JobFaultKind = 'jobError' | 'jobErrorDetail' | 'completedNoVideo';

export type FaultKind = ResponseFaultKind | JobFaultKind;

/** What a fault rule's `match` predicate gets to look at. */
export interface FaultMatchInput {
	route: Route;
	method: string;
	path: string;
	/** Submit: undefined. Poll: the requested id. Download: the id whose file is requested. */
	generationId?: string;
	/** Submit: the request body. Poll and download: the body the generation was submitted with. */
	body?: JsonObject;
}

export interface FaultRule {
	route: FaultRoute;
	kind: FaultKind;
	/** For 'status': the HTTP status to answer with (AI/ML API error body shape). */
	status?: number;
	/** For 'status': Retry-After header value, seconds or an HTTP date. */
	retryAfter?: number | string;
	/**
	 * 'status' / 'missingFields': the whole response body (a string is sent as is).
	 * 'badJson': the raw text to send. Job faults: merged over the terminal poll response.
	 */
	body?: unknown;
	/** Only the next N matching requests (or generations, for job faults). Default: unlimited. */
	times?: number;
	/** 0..1, drawn from the simulator's seeded RNG. Default: 1. */
	probability?: number;
	match?: (request: FaultMatchInput) => boolean;
	/**
	 * Submit faults: create the generation before failing the response (paid but lost).
	 * Default: true for status 500/502/504, 'reset', 'hang', 'badJson', 'missingFields',
	 * 'downloadCut'; false otherwise.
	 */
	accepted?: boolean;
	/** For 'redirect': where to send the client (307). Default: the same URL on host `localhost`. */
	location?: string;
	/** For 'hang': give up after this long (scaled by clockScale). Default 0: hang until close(). */
	hangMs?: number;
	/** For 'hang' with hangMs: destroy the socket (default) or answer normally after the delay. */
	afterHang?: 'reset' | 'respond';
	/**
	 * For 'badJson': an HTML page (default) or the normal JSON answer cut in half. For
	 * 'downloadCut': 'chunked' sends half the body without Content-Length and ends cleanly.
	 */
	variant?: 'html' | 'truncated' | 'chunked';
	/** Label recorded in the log's `fault` field. Default: the kind, e.g. 'status:503'. */
	label?: string;
}

export interface SimulatorOptions {
	/** Interface to listen on. Default '127.0.0.1'. */
	host?: string;
	/** Default 0 (a random free port). */
	port?: number;
	/** The one accepted API key. Default DEFAULT_SIMULATOR_KEY. */
	apiKey?: string;
	/** Time from POST to completed. Default 3000. */
	generationMs?: number;
	/** Share of generationMs spent in 'queued'. Default 0.2. */
	queuedFraction?: number;
	/** Multiplies generationMs and hang durations. Default 1. */
	clockScale?: number;
	/** Status of a successful submit. Default 201. */
	submitStatusCode?: 200 | 201;
	/** Report running jobs as waiting / active / processing instead of queued / generating. */
	legacyStatuses?: boolean;
	/** Size of the result video; anything but the fixture's size is generated on the fly. */
	videoSizeBytes?: number;
	/** Seeds the RNG behind probabilistic faults. Default 1. */
	seed?: number;
	/** The price the catalogue quotes: 'variants' (by resolution, default), 'fixed', 'variable', or 'none'. */
	pricingKind?: 'variants' | 'fixed' | 'variable' | 'none';
	/** How long after its request a generation shows in GET /v2/logs (the analytics pipeline). Default 0. */
	logsDelayMs?: number;
}

export type ResolvedSimulatorOptions = Required<SimulatorOptions>;

export interface RequestLogEntry {
	/** Arrival time, ms since the epoch. */
	at: number;
	method: string;
	path: string;
	query: Record<string, string>;
	/** Lower-cased header names, as Node delivers them. */
	headers: Record<string, string | string[] | undefined>;
	/** Parsed JSON when the body is JSON (strings over 64 KiB shortened), else the raw text (shortened); undefined when empty. */
	body: unknown;
	route: Route | 'unknown';
	/** Status sent, or null while pending / when the connection was dropped without an answer. */
	status: number | null;
	/** When the exchange ended (answer sent, or connection closed by either side), ms since the epoch. */
	closedAt?: number;
	/** Which fault shaped the response, e.g. 'status:503', 'reset', 'jobError'. */
	fault?: string;
	generationId?: string;
}

export interface SimulatorCounters {
	/** Every POST /v2/video/generations, rejected ones included. */
	posts: number;
	/** Submits that created a generation. */
	acceptedPosts: number;
	/** Every GET /v2/video/generations. */
	gets: number;
	getsByGeneration: Record<string, number>;
	downloads: number;
	billing: number;
	/** GET /v1/models. */
	catalogue: number;
	/** GET /v2/logs. */
	logs: number;
}

/** 'pending' until the first poll that sees the job finished decides it. */
export type GenerationOutcome = 'pending' | 'success' | JobFaultKind;

export interface GenerationRecord {
	/** `<uuid>:alibaba/wan2.2-vace-fun-a14b-inpainting` */
	id: string;
	/** The uuid part, also the result file's name. */
	fileId: string;
	body: JsonObject;
	createdAt: number;
	/** When the job leaves 'queued'. */
	generatingAt: number;
	/** When the job is finished. */
	completeAt: number;
	/** First time a poll returned the terminal state. */
	completedObservedAt?: number;
	outcome: GenerationOutcome;
	/** The job fault that decided the outcome, if any. */
	outcomeFault?: FaultRule;
	/** Size of the result file; the fixture's size means the fixture is served. */
	videoSizeBytes: number;
	/** A mask sent as a data: URI, probed with ffprobe beside its source video (maskProbe.ts). */
	maskProbe?: MaskProbe;
	/** The X-Client-Request-Id the submit carried, when valid (an invalid one is dropped silently, as the API does). */
	clientRequestId: string | null;
}

/** What ffprobe read of a mask or a source video. */
export interface ProbedMedia {
	codec: string;
	width: number;
	height: number;
	/** Decoded frames (1 for an image). */
	frames: number;
	/** As ffprobe gives it, e.g. "30000/1001". */
	frameRate: string;
	framesPerSecond: number;
}

export interface MaskProbe {
	field: 'mask_video_url' | 'mask_image_url';
	/** The mask's decoded size in bytes. */
	bytes: number;
	contentType: string;
	mask: ProbedMedia | { error: string };
	/** The source video (a data: URI or a file of the input host); an error when it is elsewhere. */
	source: ProbedMedia | { error: string };
}
