/**
 * Validation against AI/ML API's published OpenAPI schemas (vendored in
 * test/fixtures/reference/), the same documents the node is built from.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats';

import { fs, path, repoRoot } from '../support/node';

export const REFERENCE_DIR = path.join(repoRoot, 'test', 'fixtures', 'reference');

export interface FieldError {
	field: string;
	message: string;
}

type Schema = Record<string, unknown>;

function readJson(file: string): Schema {
	return JSON.parse(fs.readFileSync(path.join(REFERENCE_DIR, file), 'utf8')) as Schema;
}

/** Follows a path of keys through a parsed JSON document. */
function dig(document: Schema, keys: string[]): Schema {
	let node: unknown = document;
	for (const key of keys) {
		if (typeof node !== 'object' || node === null || !(key in node)) {
			throw new Error(`Schema path ${keys.join(' > ')} not found (missing "${key}")`);
		}
		node = (node as Schema)[key];
	}
	return node as Schema;
}

const GENERATIONS_PATH = '/v2/video/generations';
const JSON_SCHEMA = ['content', 'application/json', 'schema'];

export const submitRequestSchema = dig(readJson('openapi-post-current.json'), [
	'paths',
	GENERATIONS_PATH,
	'post',
	'requestBody',
	...JSON_SCHEMA,
]);
export const submitResponseSchema = dig(readJson('openapi-post-current.json'), [
	'paths',
	GENERATIONS_PATH,
	'post',
	'responses',
	'200',
	...JSON_SCHEMA,
]);
export const pollResponseSchema = dig(readJson('openapi-get-generation.json'), [
	'paths',
	GENERATIONS_PATH,
	'get',
	'responses',
	'200',
	...JSON_SCHEMA,
]);

const DATA_URI_HEADER = /^data:[\w!#$&^.+-]*(?:\/[\w!#$&^.+-]*)?(?:;[^,;]*)*,/i;
const genericUri = fullFormats.uri as (value: string) => boolean;

/**
 * ajv-formats' `uri` regex overflows the stack on multi-megabyte `data:` URIs (the API
 * accepts videos inline), so data URIs are checked by their header only.
 */
function isUri(value: string): boolean {
	if (/^data:/i.test(value)) return DATA_URI_HEADER.test(value.slice(0, 1024));
	return genericUri(value);
}

function createAjv(): Ajv {
	// strict: false lets the OpenAPI-only keywords (example, x-*) through; Ajv handles `nullable`.
	const ajv = new Ajv({ strict: false, allErrors: true });
	addFormats(ajv);
	ajv.addFormat('uri', { type: 'string', validate: isUri });
	return ajv;
}

const ajv = createAjv();
const validateSubmitRequest = ajv.compile(submitRequestSchema);
const validateSubmitResponse = ajv.compile(submitResponseSchema);
const validatePollResponse = ajv.compile(pollResponseSchema);

function fieldOf(error: ErrorObject): string {
	const pointer = error.instancePath.replace(/^\//, '').split('/').join('.');
	if (error.keyword === 'required') {
		const missing = String(error.params.missingProperty);
		return pointer ? `${pointer}.${missing}` : missing;
	}
	return pointer || 'body';
}

function messageOf(error: ErrorObject): string {
	if (error.keyword === 'enum') {
		const allowed = (error.params.allowedValues as unknown[]).map(String).join(', ');
		return `must be one of: ${allowed}`;
	}
	return error.message ?? 'is invalid';
}

function toFieldErrors(validate: ValidateFunction): FieldError[] {
	return (validate.errors ?? []).map((error) => ({ field: fieldOf(error), message: messageOf(error) }));
}

/** Field errors in the request body of POST /v2/video/generations; empty when valid. */
export function submitBodyErrors(body: unknown): FieldError[] {
	return validateSubmitRequest(body) ? [] : toFieldErrors(validateSubmitRequest);
}

/** Schema errors in a POST response body; empty when valid. */
export function submitResponseErrors(body: unknown): FieldError[] {
	return validateSubmitResponse(body) ? [] : toFieldErrors(validateSubmitResponse);
}

/** Schema errors in a GET /v2/video/generations response body; empty when valid. */
export function pollResponseErrors(body: unknown): FieldError[] {
	return validatePollResponse(body) ? [] : toFieldErrors(validatePollResponse);
}
