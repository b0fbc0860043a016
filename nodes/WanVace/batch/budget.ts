import type { IExecuteFunctions, INode } from 'n8n-workflow';

import type { RunSettings } from '../descriptions/runOptions';
import { type NodeFailure, operationError } from '../errors';
import { type GenerationJob, generationIdOf } from '../job/state';
import { buildClientRequestId, manualExecutionId } from '../request/clientRequestId';
import { estimateCost } from '../request/price';
import type { CataloguePrice } from './catalogue';

/** What this node has already submitted in this execution (earlier Retry On Fail tries). */
export interface Spent {
	generations: number;
	usd: number;
}

const usd = (value: number) => `$${(Math.round(value * 1e6) / 1e6).toFixed(value < 1 ? 4 : 2)}`;

/**
 * The Run Options' caps, decided before the first submission, in item order: the first items
 * that fit are admitted; from the first that does not, every later item is refused too (a
 * batch is cut at one place, never thinned out). Max Cost per Run needs an estimate for every
 * item to submit: without one, all are refused. Returns the refusals, by job.
 */
export function decideCaps(
	node: INode,
	jobs: readonly GenerationJob[],
	settings: Pick<RunSettings, 'maxGenerationsPerRun' | 'maxCostPerRun'>,
	spent: Spent,
): Map<GenerationJob, NodeFailure> {
	const refusals = new Map<GenerationJob, NodeFailure>();
	const { maxGenerationsPerRun: maxGenerations, maxCostPerRun: maxCost } = settings;
	if (maxGenerations <= 0 && maxCost <= 0) return refusals;
	const ordered = [...jobs].sort((a, b) => a.itemIndex - b.itemIndex);
	if (maxCost > 0) {
		const unpriced = ordered.find((job) => typeof job.trace?.estimatedUsd !== 'number');
		if (unpriced) {
			const reason = unpriced.trace?.estimateNote ?? 'No estimate.';
			for (const job of ordered) {
				refusals.set(
					job,
					operationError(node, `Max Cost per Run (${usd(maxCost)}) is set, but the cost of item ${unpriced.itemIndex} cannot be estimated, so nothing was submitted`, {
						itemIndex: job.itemIndex,
						description: `${reason} Without an estimate the node cannot keep the run under the cap. Remove Run Options > Max Cost per Run (use Max Generations per Run to bound the run instead), or try again when AI/ML API's price list can be read.`,
					}),
				);
			}
			return refusals;
		}
	}
	let generations = spent.generations;
	let total = spent.usd;
	let cut: { message: string; description: string } | undefined;
	for (const job of ordered) {
		const estimate = job.trace?.estimatedUsd ?? 0;
		if (!cut && maxGenerations > 0 && generations + 1 > maxGenerations) {
			cut = {
				message: `Max Generations per Run (${maxGenerations}) reached: item ${job.itemIndex} and the items after it were not submitted`,
				description: `This node had already submitted ${generations} generation(s) in this execution${spent.generations ? ` (${spent.generations} in earlier Retry On Fail tries)` : ''}. Raise Run Options > Max Generations per Run, or send fewer items.`,
			};
		} else if (!cut && maxCost > 0 && total + estimate > maxCost + 1e-9) {
			cut = {
				message: `Max Cost per Run (${usd(maxCost)}) would be exceeded: item ${job.itemIndex} and the items after it were not submitted`,
				description: `Already submitted in this execution: ${usd(total)} by estimate (${generations} generation(s)${spent.generations ? `, ${spent.generations} in earlier Retry On Fail tries` : ''}); item ${job.itemIndex} is estimated at ${usd(estimate)}, ${usd(total + estimate)} in all. Raise Run Options > Max Cost per Run, or send fewer items.`,
			};
		}
		if (cut) {
			refusals.set(job, operationError(node, cut.message, { itemIndex: job.itemIndex, description: cut.description }));
			continue;
		}
		generations += 1;
		total += estimate;
	}
	return refusals;
}

/** Each item's estimate (or why there is none) from the catalogue price, into its trace. */
export function applyEstimates(jobs: readonly GenerationJob[], catalogue: CataloguePrice): void {
	for (const job of jobs) {
		if (!job.request || job.state.phase === 'failed') continue;
		const estimate = catalogue.price ? estimateCost(catalogue.price, job.request.body) : { usd: null, note: `No estimate: ${catalogue.problem}.` };
		job.trace = { ...job.trace, estimatedUsd: estimate.usd, ...(estimate.usd === null ? { estimateNote: estimate.note } : {}) };
	}
}

/** What the admitted jobs of a try submitted: a generation, or a POST that may have made one. */
export function spentBy(admitted: readonly GenerationJob[]): Spent {
	const submitted = admitted.filter((job) => generationIdOf(job.state) || (job.state.phase === 'failed' && job.state.uncertain));
	return { generations: submitted.length, usd: submitted.reduce((sum, job) => sum + (job.trace?.estimatedUsd ?? 0), 0) };
}

/** The execution id, or a unique stand-in for a run without one. */
export function runExecutionId(ctx: IExecuteFunctions): string {
	const executionId = ctx.getExecutionId();
	return typeof executionId === 'string' && executionId.trim() !== '' ? executionId : manualExecutionId();
}

/** The X-Client-Request-Id of an item's submission in this try. */
export function clientRequestIdOf(ctx: IExecuteFunctions, executionId: string, itemIndex: number, attempt: number): string {
	return buildClientRequestId({ workflowId: ctx.getWorkflow().id, executionId, nodeName: ctx.getNode().name, itemIndex, attempt });
}
