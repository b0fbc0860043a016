import { MODEL_ID } from '../descriptions/apiParameters';
import { type Price, priceFromCatalogue } from '../request/price';
import { type AimlApiTransport, CATALOGUE_ENDPOINT, summarizeFailure, toHttpFailure } from '../transport';

interface Cached {
	etag?: string;
	body: unknown;
	/** The execution that last read it: read once per execution. */
	executionId: string;
}

/** The last catalogue answer per Base URL, revalidated with If-None-Match (304: unchanged). */
const answers = new Map<string, Cached>();

export type CataloguePrice = { price: Price } | { price?: undefined; problem: string };

/**
 * This model's price from GET /v1/models?id=<model>&include=pricing: once per execution
 * (the same execution's later calls, e.g. Retry On Fail tries, reuse the answer), ETag-aware.
 * A failure is a reason for "no estimate", never an error.
 */
export async function cataloguePrice(transport: AimlApiTransport, executionId: string, timeoutMs: number): Promise<CataloguePrice> {
	let cached = answers.get(transport.baseUrl);
	if (!cached || cached.executionId !== executionId) {
		try {
			const { status, body, headers } = await transport.requestWithHeaders({
				method: 'GET',
				endpoint: CATALOGUE_ENDPOINT,
				qs: { id: MODEL_ID, include: 'pricing' },
				...(cached?.etag ? { headers: { 'If-None-Match': cached.etag } } : {}),
				timeoutMs,
			});
			cached = status === 304 && cached ? { ...cached, executionId } : { etag: headers.etag, body, executionId };
		} catch (error) {
			const failure = toHttpFailure(error);
			if (failure.status !== 304 || !cached) {
				return { problem: `AI/ML API's price list (GET ${CATALOGUE_ENDPOINT}) could not be read: ${summarizeFailure(failure)}` };
			}
			cached = { ...cached, executionId };
		}
		answers.set(transport.baseUrl, cached);
	}
	const price = priceFromCatalogue(cached.body);
	return price ? { price } : { problem: `AI/ML API's price list has no price for ${MODEL_ID}` };
}
