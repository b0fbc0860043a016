import type { IExecuteFunctions } from 'n8n-workflow';

import type { GenerationBatch } from '../../helpers/generations';
import { InputChecks } from '../../helpers/inputChecks';
import { buildGenerationRequest } from '../../helpers/requestBody';

/** The steps before any submission, per item: build and validate the request, then check its inputs. */
export async function prepareGenerations(ctx: IExecuteFunctions, batch: GenerationBatch): Promise<InputChecks> {
	const checks = new InputChecks(ctx, batch.settings);
	await batch.prepare(async (itemIndex) => ({
		request: await checks.check(itemIndex, await buildGenerationRequest(ctx, itemIndex)),
	}));
	return checks;
}
