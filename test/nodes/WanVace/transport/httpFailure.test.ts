import { apiError, isSafeToResubmit, isTransient, parseRetryAfter, summarizeFailure, toHttpFailure } from '../../../../nodes/WanVace/transport';
import { FAKE_API_KEY, fakeContext, httpError } from '../fakeContext';

const node = fakeContext().ctx.getNode();
const networkError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe('toHttpFailure and summarizeFailure', () => {
	it.each([
		[httpError(400, { message: 'Body validation error!' }), 'HTTP 400: Body validation error!'],
		[httpError(503), 'HTTP 503'],
		[networkError('ECONNREFUSED'), 'the connection was refused (ECONNREFUSED)'],
		[networkError('ENOTFOUND'), 'the host name could not be resolved (ENOTFOUND)'],
		[new Error('weird'), 'the request failed without a response'],
	])('%s → %s', (error, summary) => {
		expect(summarizeFailure(toHttpFailure(error))).toBe(summary);
	});

	it('reads Retry-After in seconds or as an HTTP date', () => {
		expect(parseRetryAfter('3')).toBe(3000);
		expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', Date.parse('2026-01-01T00:00:00Z'))).toBe(10_000);
		expect(parseRetryAfter('soon')).toBeUndefined();
		expect(toHttpFailure(httpError(429, {}, { 'Retry-After': '2' })).retryAfterMs).toBe(2000);
	});

	it('retries what is transient, resubmits only what proves nothing was created', () => {
		const classify = (error: Error) => [isTransient(toHttpFailure(error)), isSafeToResubmit(toHttpFailure(error))];
		expect(classify(httpError(429))).toEqual([true, true]);
		expect(classify(httpError(503))).toEqual([true, true]);
		expect(classify(httpError(502))).toEqual([true, false]);
		expect(classify(httpError(400))).toEqual([false, false]);
		expect(classify(networkError('ECONNREFUSED'))).toEqual([true, true]);
		expect(classify(networkError('ECONNRESET'))).toEqual([true, false]);
	});
});

describe('apiError', () => {
	it('names the action and the API message, advises by status, and redacts the key', () => {
		const failure = toHttpFailure(httpError(401, { message: `Invalid key ${FAKE_API_KEY}` }));
		const error = apiError(node, failure, { itemIndex: 3, action: 'submitting the generation', secrets: [FAKE_API_KEY] });
		expect(error.message).toBe('AI/ML API error while submitting the generation: HTTP 401: Invalid key [redacted]');
		expect(error.description).toBe("The API key was not accepted. Check the API Key in the node's AI/ML API credential.");
		expect(error.httpCode).toBe('401');
		expect(JSON.stringify(error)).not.toContain(FAKE_API_KEY);
	});
});
