import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { MODEL_ID } from '../descriptions/apiParameters';
import { type JobTrace, costJson, costOfAnswer } from './cost';
import { type GenerationResponse, statusKind } from './response';

function definedOnly(entries: IDataObject): IDataObject {
	return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}

/** The JSON of a successful output item: the API's result flattened, plus what was sent. */
export function generationJson(
	generationId: string,
	response: GenerationResponse | undefined,
	settings: IDataObject | undefined,
	trace?: JobTrace,
): IDataObject {
	const video = response?.video ?? undefined;
	const stated = trace?.finalCost === undefined && response && statusKind(response.status) === 'completed' ? costOfAnswer({}, response) : undefined;
	const cost = costJson(stated ? { ...trace, finalCost: stated } : trace);
	return definedOnly({
		generationId,
		status: response?.status,
		videoUrl: video?.url ?? null,
		fileName: video?.file_name,
		contentType: video?.content_type,
		fileSize: video?.file_size,
		duration: video?.duration ?? response?.duration ?? undefined,
		creditsUsed: (cost.credits as number | null) ?? undefined,
		clientRequestId: trace?.clientRequestId ?? null,
		inferenceId: trace?.inferenceId ?? null,
		cost,
		model: MODEL_ID,
		seed: settings?.seed,
		video: (video as IDataObject | undefined) ?? null,
		meta: (response?.meta as IDataObject | undefined) ?? null,
		settings,
	});
}

export function outputItem(
	itemIndex: number,
	json: IDataObject,
	binary?: { propertyName: string; data: IBinaryData },
): INodeExecutionData {
	return {
		json,
		...(binary ? { binary: { [binary.propertyName]: binary.data } } : {}),
		pairedItem: { item: itemIndex },
	};
}
