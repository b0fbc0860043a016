import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, INode, INodeExecutionData } from 'n8n-workflow';

/**
 * A stand-in for n8n's IExecuteFunctions, for unit tests of one module: node parameters from
 * a plain object (per item where a function is given), HTTP from a function the test writes.
 * Only what the node's modules call is there; anything else throws, so a test notices.
 */
export interface FakeContextOptions {
	parameters?: IDataObject | ((itemIndex: number) => IDataObject);
	items?: INodeExecutionData[];
	api?: (request: IHttpRequestOptions) => Promise<unknown>;
	http?: (request: IHttpRequestOptions) => Promise<unknown>;
	binaries?: Record<string, Buffer>;
	continueOnFail?: boolean;
	node?: Partial<INode>;
	signal?: AbortSignal;
	executeData?: object;
}

export interface FakeContext {
	ctx: IExecuteFunctions;
	logged: Array<{ message: string; meta: unknown }>;
	apiRequests: IHttpRequestOptions[];
}

export const FAKE_API_KEY = 'sk-unit-test-key';

export function fakeContext(options: FakeContextOptions = {}): FakeContext {
	const node: INode = {
		id: 'node-1',
		name: 'Wan VACE Inpaint',
		type: 'n8n-nodes-wan-vace.wanVaceInpaint',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		...options.node,
	};
	const items = options.items ?? [{ json: {} }];
	const logged: FakeContext['logged'] = [];
	const apiRequests: IHttpRequestOptions[] = [];
	const parametersOf = (itemIndex: number) =>
		typeof options.parameters === 'function' ? options.parameters(itemIndex) : (options.parameters ?? {});
	const unexpected = (what: string) => () => {
		throw new Error(`fakeContext: ${what} was not expected in this test`);
	};
	const ctx = {
		getNode: () => node,
		getInputData: () => items,
		getNodeParameter: (name: string, itemIndex: number, fallback?: unknown) => parametersOf(itemIndex)[name] ?? fallback,
		continueOnFail: () => options.continueOnFail ?? false,
		getExecutionCancelSignal: () => options.signal,
		getCredentials: async () => ({ apiKey: FAKE_API_KEY, baseUrl: 'http://api.test' }),
		getWorkflow: () => ({ id: 'wf-1', name: 'Unit test', active: false }),
		getExecutionId: () => 'exec-1',
		getExecuteData: () => options.executeData ?? {},
		isToolExecution: () => false,
		addExecutionHints: () => undefined,
		logger: {
			info: (message: string, meta: unknown) => logged.push({ message, meta }),
			debug: () => undefined,
			warn: (message: string, meta: unknown) => logged.push({ message, meta }),
			error: (message: string, meta: unknown) => logged.push({ message, meta }),
		},
		helpers: {
			httpRequestWithAuthentication: async (_credential: string, request: IHttpRequestOptions) => {
				apiRequests.push(request);
				const answer = await (options.api ?? unexpected('a request to AI/ML API'))(request);
				if (!request.returnFullResponse) return answer instanceof FullResponse ? answer.body : answer;
				return answer instanceof FullResponse ? { ...answer } : { body: answer, headers: {}, statusCode: 200 };
			},
			httpRequest: async (request: IHttpRequestOptions) => await (options.http ?? unexpected('a plain HTTP request'))(request),
			getBinaryDataBuffer: async (_itemIndex: number, property: string) => {
				const buffer = options.binaries?.[property];
				if (!buffer) throw new Error(`no binary ${property}`);
				return buffer;
			},
		},
	};
	return { ctx: ctx as unknown as IExecuteFunctions, logged, apiRequests };
}

/** An answer with response headers (what n8n's helpers return with returnFullResponse). */
export class FullResponse {
	readonly statusCode = 200;
	constructor(
		readonly body: unknown,
		readonly headers: Record<string, string>,
	) {}
}

/** What `this.helpers.httpRequest*` throws for an HTTP error status (as n8n's helpers do). */
export function httpError(status: number, body: unknown = {}, headers: Record<string, string> = {}): Error {
	return Object.assign(new Error(`Request failed with status code ${status}`), {
		response: { status, data: body, headers },
		httpCode: String(status),
	});
}
