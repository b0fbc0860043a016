import type { INodeParameters } from 'n8n-workflow';
import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';

import { generateParameters } from '../../harness/fixtures';
import type { GenerationRecord, Simulator } from '../../simulator';
import { fs } from '../../support/node';

/** Generate parameters with Mask Source = Regions over an input host fixture (Check Inputs off, as by default in tests). */
export function regionsParameters(sim: Simulator, overrides: INodeParameters = {}, source = 'sample.mp4'): INodeParameters {
	const parameters = generateParameters({ videoUrl: sim.inputUrl(source), maskSource: 'regions', maskRegionsInput: 'json', ...overrides });
	delete parameters.maskUrl;
	return parameters;
}

export const jsonRegions = (regions: unknown) => ({ maskRegionsJson: typeof regions === 'string' ? regions : JSON.stringify(regions) });

/** The only generation the simulator created. */
export function onlyGeneration(sim: Simulator): GenerationRecord {
	const records = [...sim.generations.values()];
	expect(records).toHaveLength(1);
	return records[0];
}

/** The bytes of a data: URI the API received. */
export function dataUriBytes(value: unknown): { contentType: string; bytes: Buffer } {
	const match = /^data:([^;,]+);base64,/.exec(String(value));
	if (!match) throw new Error(`not a base64 data: URI: ${String(value).slice(0, 40)}`);
	return { contentType: match[1], bytes: Buffer.from(String(value).slice(match[0].length), 'base64') };
}

/** The bytes of a binary the node stored (filesystem mode in the harness). */
export function storedBinary(id: string | undefined): Buffer {
	if (!id) throw new Error('the binary has no id');
	return fs.readFileSync(Container.get(BinaryDataService).getPath(id));
}
