import type { IDataObject, INode } from 'n8n-workflow';

import { operationError } from '../errors';
import { type LogRow, parseLogPage } from '../request/logRows';
import { type AimlApiTransport, LOGS_ENDPOINT, apiError, toHttpFailure } from '../transport';
import { sleepUntil } from '../transport/wait';
import { backoffMs } from '../job/state';

/** Rows per page: the API's maximum. */
export const LOGS_PAGE_SIZE = 100;
/** 429s in a row (the API allows 200 requests per 60 s) before giving up. */
export const MAX_RATE_LIMITED = 8;
/** A guard against a log that never says has_more: false. */
const MAX_PAGES = 1000;

/**
 * Every row of GET /v2/logs for this query, page by page (limit 100, offset) until has_more is
 * false. A 429 waits (Retry-After, else a growing backoff) and asks again.
 */
export async function readUsageLog(
	node: INode,
	transport: AimlApiTransport,
	query: IDataObject,
	options: { timeoutMs: number; signal: AbortSignal | undefined },
): Promise<LogRow[]> {
	const rows: LogRow[] = [];
	let rateLimited = 0;
	for (let page = 0; page < MAX_PAGES; ) {
		let body: unknown;
		try {
			body = await transport.request({
				method: 'GET',
				endpoint: LOGS_ENDPOINT,
				qs: { ...query, limit: LOGS_PAGE_SIZE, offset: page * LOGS_PAGE_SIZE },
				timeoutMs: options.timeoutMs,
			});
		} catch (error) {
			const failure = toHttpFailure(error);
			if (failure.status === 429 && rateLimited < MAX_RATE_LIMITED) {
				rateLimited += 1;
				const waited = await sleepUntil(Date.now() + (failure.retryAfterMs ?? backoffMs(rateLimited)), options.signal);
				if (waited) continue;
			}
			throw apiError(node, failure, { itemIndex: 0, action: 'reading the usage log (GET /v2/logs)', secrets: transport.secrets });
		}
		rateLimited = 0;
		const parsed = parseLogPage(body);
		if (!parsed) {
			throw operationError(node, 'AI/ML API answered the usage log request with something that is not a page of rows', {
				itemIndex: 0,
				description: `The answer was: ${JSON.stringify(body)?.slice(0, 300) ?? String(body)}`,
				secrets: transport.secrets,
			});
		}
		rows.push(...parsed.rows);
		if (!parsed.hasMore || parsed.rows.length === 0) return rows;
		page += 1;
	}
	return rows;
}
