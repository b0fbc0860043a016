import type { IDataObject } from 'n8n-workflow';

import type { GenerationResponse } from './response';

/** A charge as the API states it: integer credits and the same amount in USD. */
export interface CostFigures {
	credits?: number;
	usd?: number;
}

/**
 * What ties a job to AI/ML API's records and what it cost: the X-Client-Request-Id sent, the
 * x-inference-id answered (equal to the generation ID), the cost stated by the submit answer
 * (not final: the charge is recorded once the generation has completed) and by the completed
 * answer (final), and the estimate made before submitting.
 */
export interface JobTrace {
	clientRequestId?: string;
	inferenceId?: string;
	submitCost?: CostFigures;
	finalCost?: CostFigures;
	/** USD estimated from the catalogue price before submitting; null: no estimate possible. */
	estimatedUsd?: number | null;
	/** Why there is no estimate (variable price, unknown unit, catalogue unreachable). */
	estimateNote?: string;
}

function numberOf(value: unknown): number | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
	return undefined;
}

/** The cost an answer states: headers x-aimlapi-credits-used / x-aimlapi-usd-spent, else meta.usage. */
export function costOfAnswer(headers: Record<string, string>, response: GenerationResponse | undefined): CostFigures | undefined {
	const usage = (response?.meta?.usage ?? undefined) as IDataObject | undefined;
	const credits = numberOf(headers['x-aimlapi-credits-used']) ?? numberOf(usage?.credits_used) ?? numberOf(usage?.tokens_used);
	const usd = numberOf(headers['x-aimlapi-usd-spent']) ?? numberOf(usage?.usd_spent);
	if (credits === undefined && usd === undefined) return undefined;
	return { ...(credits !== undefined ? { credits } : {}), ...(usd !== undefined ? { usd } : {}) };
}

/** The output's `cost`: the completed answer's figures (final), else the submit answer's. */
export function costJson(trace: JobTrace | undefined): IDataObject {
	const figures = trace?.finalCost ?? trace?.submitCost;
	return {
		credits: figures?.credits ?? null,
		usd: figures?.usd ?? null,
		final: trace?.finalCost !== undefined,
		estimatedUsd: trace?.estimatedUsd ?? null,
		...(trace?.estimateNote ? { estimateNote: trace.estimateNote } : {}),
	};
}
