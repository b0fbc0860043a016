import type { IDataObject } from 'n8n-workflow';

import { parseClientRequestId, sanitizeIdPart } from './clientRequestId';

/** One row of GET /v2/logs (openapi-logs-v2.json). */
export interface LogRow {
	created?: string;
	status?: string;
	model?: string;
	cost?: { usd?: number; credits?: number };
	request_id?: string | null;
	inference_id?: string;
	client_request_id?: string | null;
}

export interface LogFilter {
	/** Only ids naming this workflow (sanitised as in the id). */
	workflowId?: string;
	/** Only ids naming this execution. */
	executionId?: string;
}

function isDict(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The rows and pagination of a /v2/logs answer; undefined when the body is not one. */
export function parseLogPage(body: unknown): { rows: LogRow[]; hasMore: boolean; total?: number } | undefined {
	if (!isDict(body) || !Array.isArray(body.data)) return undefined;
	const pagination = isDict(body.pagination) ? body.pagination : {};
	return {
		rows: body.data.filter(isDict) as LogRow[],
		hasMore: pagination.has_more === true,
		total: typeof pagination.total === 'number' ? pagination.total : undefined,
	};
}

/**
 * Rows that match the filter, one per generation (its inference id), first seen first (the log
 * is newest first). A workflow or execution filter matches only on the client request id this
 * node sends: a row without one never matches.
 */
export function generationsFromRows(rows: readonly LogRow[], filter: LogFilter): IDataObject[] {
	const workflowId = filter.workflowId ? sanitizeIdPart(filter.workflowId) : undefined;
	const executionId = filter.executionId ? sanitizeIdPart(filter.executionId) : undefined;
	const seen = new Set<string>();
	const generations: IDataObject[] = [];
	for (const row of rows) {
		const generationId = typeof row.inference_id === 'string' ? row.inference_id.trim() : '';
		if (!generationId || seen.has(generationId)) continue;
		const parsed = parseClientRequestId(row.client_request_id);
		if ((workflowId || executionId) && !parsed) continue;
		if (workflowId && parsed?.workflowId !== workflowId) continue;
		if (executionId && parsed?.executionId !== executionId) continue;
		seen.add(generationId);
		generations.push({
			generationId,
			status: row.status ?? null,
			created: row.created ?? null,
			cost: { credits: row.cost?.credits ?? null, usd: row.cost?.usd ?? null },
			clientRequestId: row.client_request_id ?? null,
			workflowId: parsed?.workflowId ?? null,
			executionId: parsed?.executionId ?? null,
			nodeHash: parsed?.nodeHash ?? null,
			itemIndex: parsed?.itemIndex ?? null,
			try: parsed?.attempt ?? null,
			model: row.model ?? null,
			requestId: row.request_id ?? null,
		});
	}
	return generations;
}
