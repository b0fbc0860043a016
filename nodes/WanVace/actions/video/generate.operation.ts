import type { IDisplayOptions, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { apiOptionsCollection, generationInputProperties } from '../../descriptions/properties';
import { runOptionsCollection } from '../../descriptions/runOptions';
import { GenerationBatch } from '../../helpers/generations';
import { buildGenerationRequest } from '../../helpers/requestBody';

const displayOptions: IDisplayOptions = { show: { resource: ['video'], operation: ['generate'] } };

export const description: INodeProperties[] = [
	...generationInputProperties(displayOptions),
	apiOptionsCollection(displayOptions),
	runOptionsCollection('generate'),
];

/** Submits every item, waits for all generations together, and outputs the videos. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const batch = await GenerationBatch.start(this);
	await batch.prepare(async (itemIndex) => ({ request: await buildGenerationRequest(this, itemIndex) }));
	await batch.run('untilFinished');
	return batch.outputItems();
}
