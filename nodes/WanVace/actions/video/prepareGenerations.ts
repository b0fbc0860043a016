import type { IExecuteFunctions } from 'n8n-workflow';

import type { GenerationBatch } from '../../batch/scheduler';
import { InputChecks } from '../../inputs/checks';
import { drawRegionsMask, withDrawnMask } from '../../inputs/regionsMask';
import { buildGenerationRequest } from '../../request/body';

/**
 * The steps before any submission, per item: build and validate the request (drawing a mask
 * from regions, which probes the source video), then check its inputs (skipped for an item
 * whose generation an earlier Retry On Fail try already has).
 */
export async function prepareGenerations(ctx: IExecuteFunctions, batch: GenerationBatch): Promise<InputChecks> {
	const checks = new InputChecks(ctx, batch.settings, async (task) => await batch.limiter.run(task));
	await batch.prepare(
		async (itemIndex) => {
			const request = await buildGenerationRequest(ctx, itemIndex);
			await drawRegionsMask(ctx, itemIndex, request, checks, batch.settings);
			return { request };
		},
		async (job) => {
			if (job.request) job.inputReport = withDrawnMask(await checks.check(job.itemIndex, job.request), job.request);
		},
	);
	await batch.priceAndCap();
	return checks;
}
