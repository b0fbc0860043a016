import type { IDataObject } from 'n8n-workflow';

import { API_PARAMETERS } from '../descriptions/apiParameters';
import type { BinaryInput } from './binaryInput';
import { formatBytes, summarizeMediaValue } from './mediaInput';
import { binaryPlaceholder } from './streamBody';

const MEDIA_API_NAMES = new Set(
	API_PARAMETERS.filter((p) => p.type === 'media' || p.type === 'mediaList').map((p) => p.apiName),
);

/** The request as echoed in output items: data: URIs shortened to their type and size. */
export function summarizeRequest(body: IDataObject, binaries: readonly BinaryInput[] = []): IDataObject {
	const summary: IDataObject = {};
	const shorten = (value: string): string => {
		const index = binaries.findIndex((_, at) => value.endsWith(binaryPlaceholder(at)));
		if (index === -1) return summarizeMediaValue(value);
		return `data:${binaries[index].mimeType};base64 (${formatBytes(binaries[index].bytes)})`;
	};
	for (const [key, value] of Object.entries(body)) {
		if (!MEDIA_API_NAMES.has(key)) summary[key] = value;
		else if (typeof value === 'string') summary[key] = shorten(value);
		else if (Array.isArray(value)) summary[key] = value.map((entry) => (typeof entry === 'string' ? shorten(entry) : entry));
		else summary[key] = value;
	}
	return summary;
}
