import type { IExecuteFunctions } from 'n8n-workflow';

import { redact } from '../errors';

/**
 * Log lines through n8n's logger (its log output: console and/or N8N_LOG_FILE_LOCATION), so
 * a generation created by an execution that later dies (n8n or a worker killed) can still be
 * found and fetched with the Get operation. They name the generation, the item and where it
 * came from; never the API key or the request body (it may carry inline media).
 */
function where(ctx: IExecuteFunctions, itemIndex: number) {
	const workflow = ctx.getWorkflow();
	return {
		itemIndex,
		executionId: ctx.getExecutionId(),
		workflowId: workflow.id,
		workflowName: workflow.name,
		nodeName: ctx.getNode().name,
	};
}

function origin(fields: ReturnType<typeof where>): string {
	return `item ${fields.itemIndex}, execution ${fields.executionId}, workflow "${fields.workflowName ?? ''}" (${fields.workflowId ?? '?'}), node "${fields.nodeName}"`;
}

function info(ctx: IExecuteFunctions, message: string, metadata: Record<string, unknown>, secrets: readonly string[]): void {
	const safe = Object.fromEntries(
		Object.entries(metadata).map(([key, value]) => [key, typeof value === 'string' ? redact(value, secrets) : value]),
	);
	ctx.logger.info(redact(message, secrets), safe);
}

/** A POST created this generation (it is being paid for). */
export function logSubmission(ctx: IExecuteFunctions, itemIndex: number, generationId: string, secrets: readonly string[], clientRequestId?: string): void {
	const fields = where(ctx, itemIndex);
	const tag = clientRequestId ? `, client request id ${clientRequestId}` : '';
	info(ctx, `Wan VACE: submitted generation ${generationId} (${origin(fields)}${tag})`, { generationId, ...fields, ...(clientRequestId ? { clientRequestId } : {}) }, secrets);
}

/** Retry On Fail: an earlier try's generation is used again instead of a new POST. */
export function logReuse(ctx: IExecuteFunctions, itemIndex: number, generationId: string, secrets: readonly string[]): void {
	const fields = where(ctx, itemIndex);
	info(ctx, `Wan VACE: Retry On Fail reuses generation ${generationId} (${origin(fields)}), not submitted again`, { generationId, ...fields }, secrets);
}
