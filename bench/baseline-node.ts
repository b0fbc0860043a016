import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { registerNodeType } from '../test/harness/engine';

export const BUFFERING_DOWNLOAD_NODE_TYPE = 'bench.bufferingDownload';

/**
 * The memory baseline: how a node downloads a file when it does not stream, the whole
 * body fetched into one buffer (encoding 'arraybuffer'), then handed to prepareBinaryData.
 */
class BufferingDownload implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Bench Buffering Download',
		name: 'bufferingDownload',
		group: ['transform'],
		version: 1,
		description: 'Downloads a URL into binary data through one in-memory buffer',
		defaults: { name: 'Buffering Download' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'URL', name: 'url', type: 'string', default: '' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const url = this.getNodeParameter('url', 0) as string;
		const body = (await this.helpers.httpRequest({ method: 'GET', url, encoding: 'arraybuffer', json: false })) as Buffer | ArrayBuffer;
		// Buffer.from(ArrayBuffer) shares the memory; a Buffer is used as is: no copy either way.
		const buffer = Buffer.isBuffer(body) ? body : Buffer.from(body);
		const binary = await this.helpers.prepareBinaryData(buffer, 'video.mp4', 'video/mp4');
		return [[{ json: { bytes: binary.bytes ?? null }, binary: { data: binary }, pairedItem: { item: 0 } }]];
	}
}

export function registerBufferingDownload(): void {
	registerNodeType(BUFFERING_DOWNLOAD_NODE_TYPE, new BufferingDownload());
}
