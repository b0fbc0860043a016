import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { asNodeFailure, errorItemJson } from '../errors';
import { isCancelled } from '../transport/wait';
import * as video from './video';

const operations: Record<string, (this: IExecuteFunctions) => Promise<INodeExecutionData[]>> = {
	generate: video.generate.execute,
	submit: video.submit.execute,
	get: video.get.execute,
	find: video.find.execute,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = operations[operation];
	if (!execute) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`, { itemIndex: 0 });
	}
	try {
		return [await execute.call(this)];
	} catch (error) {
		const failure = asNodeFailure(this.getNode(), error, 0);
		// Setup problems (credential, run options) concern every item alike.
		if (!this.continueOnFail() || isCancelled(this.getExecutionCancelSignal())) throw failure;
		return [
			this.getInputData().map((_, itemIndex) => ({
				json: errorItemJson(failure, {}),
				pairedItem: { item: itemIndex },
			})),
		];
	}
}
