import type { IDisplayOptions, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { apiOptionsCollection, generationInputProperties } from '../../descriptions/properties';
import { runOptionsCollection } from '../../descriptions/runOptions';
import { GenerationBatch } from '../../batch/scheduler';
import { estimateOnlyItems } from '../../batch/estimateOnly';
import { prepareGenerations } from './prepareGenerations';

const displayOptions: IDisplayOptions = { show: { resource: ['video'], operation: ['submit'] } };

export const description: INodeProperties[] = updateDisplayOptions(displayOptions, [
	...generationInputProperties(),
	apiOptionsCollection(),
	runOptionsCollection('submit'),
]);

/** Submits every item and returns the generation IDs at once, without waiting. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const batch = await GenerationBatch.start(this);
	const checks = await prepareGenerations(this, batch);
	if (batch.settings.estimateOnly) return checks.addWarningHints(estimateOnlyItems(batch.jobs));
	await batch.run('submitOnly');
	return checks.addWarningHints(batch.outputItems());
}
