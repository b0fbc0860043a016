import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { errorItemJson } from '../errors';
import { outputItem } from '../job/output';
import type { GenerationJob } from '../job/state';

/**
 * Estimate Only: one item per input with its estimate (or why there is none) and the run's
 * total; nothing was submitted. The total is null when any item has no estimate.
 */
export function estimateOnlyItems(jobs: readonly GenerationJob[]): INodeExecutionData[] {
	const priced = jobs.filter((job) => job.state.phase !== 'failed');
	const estimates = priced.map((job) => job.trace?.estimatedUsd);
	const complete = estimates.every((value): value is number => typeof value === 'number');
	const total = complete ? Math.round(estimates.reduce((sum, value) => sum + value, 0) * 1e6) / 1e6 : null;
	return jobs.map((job) => {
		if (job.state.phase === 'failed') return outputItem(job.itemIndex, errorItemJson(job.state.error, {}));
		const json: IDataObject = {
			estimateOnly: true,
			submitted: false,
			estimatedUsd: job.trace?.estimatedUsd ?? null,
			...(job.trace?.estimateNote ? { estimateNote: job.trace.estimateNote } : {}),
			run: { items: priced.length, estimatedUsd: total, ...(complete ? {} : { note: 'No total: at least one item has no estimate.' }) },
			settings: job.request?.settings,
		};
		if (job.inputReport) json.inputs = job.inputReport.inputs;
		if (job.inputReport?.warnings.length) json.inputWarnings = job.inputReport.warnings;
		return outputItem(job.itemIndex, json);
	});
}
