import type { IDataObject, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

function isDict(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null;
}

/** Replaces every secret (the API key) in a text. The last line of defence against leaks. */
export function redact(text: string, secrets: readonly string[]): string {
	let result = text;
	for (const secret of secrets) {
		if (secret && secret.length >= 4) result = result.split(secret).join('[redacted]');
	}
	return result;
}

export function redactDeep(value: unknown, secrets: readonly string[]): unknown {
	if (typeof value === 'string') return redact(value, secrets);
	if (Array.isArray(value)) return value.map((entry) => redactDeep(entry, secrets));
	if (isDict(value)) {
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, secrets)]));
	}
	return value;
}

export function generationHint(generationId: string | undefined): string {
	return generationId
		? `Generation ID: ${generationId}. It is not lost: fetch it later with this node's Get operation and this ID.`
		: '';
}

export function operationError(
	node: INode,
	message: string,
	options: { itemIndex: number; description?: string; secrets?: readonly string[] },
): NodeOperationError {
	const secrets = options.secrets ?? [];
	return new NodeOperationError(node, redact(message, secrets), {
		itemIndex: options.itemIndex,
		description: options.description ? redact(options.description, secrets) : undefined,
	});
}

export type NodeFailure = NodeApiError | NodeOperationError;

/** Keeps n8n node errors as they are; wraps anything else (e.g. an expression error). */
export function asNodeFailure(node: INode, error: unknown, itemIndex: number): NodeFailure {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error instanceof Error ? error : String(error), { itemIndex });
}

/** The JSON of an error item under "Continue On Fail". */
export function errorItemJson(error: NodeFailure, extra: IDataObject): IDataObject {
	return {
		error: error.message,
		...(error.description ? { description: error.description } : {}),
		...extra,
	};
}
