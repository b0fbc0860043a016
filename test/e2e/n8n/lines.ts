/**
 * What differs between the n8n release lines the harness runs (checked in each line's
 * installed source, packages/cli): the rest of the harness asks here instead of testing
 * version numbers itself.
 *
 *                       2.x (2.41.1)                      1.x (1.123.81)
 *   Node                24 (scripts/node24.sh)            22 (scripts/ensure-n8n.sh)
 *   instance owner      N8N_INSTANCE_OWNER_* env          POST /rest/owner/setup once
 *   mcp-registry module on: N8N_DISABLED_MODULES turns    does not exist; naming it in
 *                       off its call to api.n8n.io        N8N_DISABLED_MODULES stops n8n
 *   manual run          POST /workflows/:id/run with      the same, plus the whole workflow
 *                       the trigger to start from         as `workflowData`
 *   activation          asynchronous: poll                synchronous (a failure is an
 *                       /workflows/:id/publication-status HTTP 400)
 *   POST /workflows     rejects `active`                  requires `active`
 *   binary data folder  .n8n/storage                      .n8n/binaryData
 *   binary `bytes`      the exact size                    absent (only the rounded fileSize)
 */
import { OWNER } from './types';

/** n8n 1.x (the maintained 1.123 line) rather than 2.x. */
export function isN8n1(version: string): boolean {
	return version.split('.')[0] === '1';
}

/** The env variables that only one line knows about. */
export function lineEnv(version: string, ownerSecretHash: string): Record<string, string> {
	if (isN8n1(version)) return {};
	return {
		N8N_DISABLED_MODULES: 'mcp-registry', // fetches api.n8n.io/api/mcp-servers at start
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: OWNER.email,
		N8N_INSTANCE_OWNER_PASSWORD_HASH: ownerSecretHash,
		N8N_INSTANCE_OWNER_FIRST_NAME: OWNER.firstName,
		N8N_INSTANCE_OWNER_LAST_NAME: OWNER.lastName,
	};
}

/** The body of POST /rest/workflows/:id/run for a full manual run from `startNode`. */
export function manualRunBody(version: string, workflow: Record<string, unknown>, startNode: string): Record<string, unknown> {
	const body: Record<string, unknown> = { triggerToStartFrom: { name: startNode } };
	if (isN8n1(version)) body.workflowData = workflow;
	return body;
}

/** The body of POST /rest/workflows for a workflow normalized with `active: false`. */
export function workflowCreateBody(version: string, workflow: Record<string, unknown>): Record<string, unknown> {
	const body = { ...workflow };
	if (!isN8n1(version)) delete body.active;
	return body;
}

/** Where filesystem-mode binary data lives inside the .n8n folder. */
export function binaryDataFolder(version: string): string {
	return isN8n1(version) ? 'binaryData' : 'storage';
}
