import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { MODEL_ID } from '../descriptions/apiParameters';
import type { GenerationResponse } from './response';

function definedOnly(entries: IDataObject): IDataObject {
	return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}

/** The JSON of a successful output item: the API's result flattened, plus what was sent. */
export function generationJson(
	generationId: string,
	response: GenerationResponse | undefined,
	settings: IDataObject | undefined,
): IDataObject {
	const video = response?.video ?? undefined;
	const usage = response?.meta?.usage ?? undefined;
	return definedOnly({
		generationId,
		status: response?.status,
		videoUrl: video?.url ?? null,
		fileName: video?.file_name,
		contentType: video?.content_type,
		fileSize: video?.file_size,
		duration: video?.duration ?? response?.duration ?? undefined,
		creditsUsed: usage?.credits_used ?? usage?.tokens_used,
		model: MODEL_ID,
		seed: settings?.seed,
		video: (video as IDataObject | undefined) ?? null,
		meta: (response?.meta as IDataObject | undefined) ?? null,
		settings,
	});
}

/** Binary property of the output item that holds the mask drawn from regions (Include Mask in Output). */
export const MASK_BINARY_PROPERTY = 'mask';

export function outputItem(itemIndex: number, json: IDataObject, binary?: Record<string, IBinaryData>): INodeExecutionData {
	return {
		json,
		...(binary && Object.keys(binary).length > 0 ? { binary } : {}),
		pairedItem: { item: itemIndex },
	};
}
