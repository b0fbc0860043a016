/**
 * A real n8n (the npm package, same version as CI: 2.41.1, or N8N_VERSION, e.g. 1.123.81 for
 * the 1.x line; lines.ts holds what differs between the lines), run headless from jest tests and from
 * scripts (`tsx`). It loads this package the way a user's n8n does: from the `npm pack`
 * tarball unpacked into `<user folder>/.n8n/nodes/node_modules/n8n-nodes-wan-vace`.
 *
 *   const bin = await ensureN8n();                     // installs n8n into the machine cache once
 *   const tarball = await packPackage();               // npm run build + npm pack
 *   const n8n = await createN8nEnvironment({ tarball }); // temp user folder, own DB, own ports
 *   await n8n.importCredentials([{ id: 'cred1', name: 'AI/ML', type: 'aimlApi', data: {...} }]);
 *   const id = await n8n.importWorkflow(workflowJson);
 *   const result = await n8n.execute(id);              // `n8n execute --id` (one n8n boot per run)
 *   result.items('Code')                               // → [{ json, binary?, pairedItem?, error? }]
 *
 *   const server = await n8n.startServer();            // `n8n start`, waits for /healthz/readiness
 *   await n8n.execute(id);                             // now a manual run through the REST API: fast
 *   await server.activateWorkflow(webhookWorkflowId);  // publish; waits until its triggers are live
 *   const { response, execution } = await server.runWebhook(webhookWorkflowId, 'my-path', { body });
 *   await n8n.dispose();                               // stops n8n, removes the temp folder
 *
 * Two ways to run a workflow, both supported by `execute()` (measured on the 2-core machine
 * with scripts/measure-n8n.ts):
 *  - without a server, `n8n execute --id` in a child process: every call boots n8n
 *    (~5 s with a Set node, ~6 s with a Code node, whose JS task runner starts too); imports
 *    are CLI commands as well (~4.5 s each, the first ~6 s as it migrates the new DB; batch
 *    workflows with importWorkflows). Good for a run or two; needs no HTTP port.
 *  - after `startServer()` (~10-12 s once), imports go through the REST API (~40 ms) and a
 *    run is a manual execution, `POST /rest/workflows/:id/run`, read back from
 *    `GET /rest/executions/:id` (~0.2 s per run on top of the workflow's own time). Webhook
 *    triggers (`Respond: When Last Node Finishes`) need the server: activateWorkflow()
 *    ~0.4 s, a webhook call ~70 ms, ~110 ms with reading its execution back.
 *  So a test file that runs more than one workflow starts one server in beforeAll.
 *
 * Everything an environment writes lives in its temp user folder: the SQLite DB
 * (`.n8n/database.sqlite`), binary data (`.n8n/storage/...`, see `binaryFilePath`), the
 * server log (`server.log`; CLI output is in each CommandResult / ExecutionResult). Set
 * WAN_VACE_E2E_KEEP=1 to keep the folder after dispose() for a post-mortem (its path is
 * logged).
 *
 * Environment variables given to n8n (see `buildEnv`): nothing reaches the internet
 * (diagnostics, version notifications, templates, banners, personalization, vetted
 * community-node list, the MCP registry module, license renewal are off), SQLite in the user
 * folder, a random encryption key per environment, 127.0.0.1 with free ports for the server
 * and for the task broker (the Code node's JS task runner; its default port 5679 would clash
 * between parallel jest workers), filesystem binary data, SSRF protection off (the
 * simulator is on 127.0.0.1), an instance owner created from env (1.x: by the owner setup
 * call after boot) so the REST API can be used without the setup screen,
 * NODE_ENV=production (jest's NODE_ENV=test makes n8n refuse to load nodes). Inherited
 * N8N_*, DB_*, EXECUTIONS_* … variables are dropped.
 */
export * from './types';
export { ensureN8n, packPackage, resolveN8nInstall } from './install';
export { createN8nEnvironment } from './environment';
export { parseCliRun, parseFlatted } from './results';
export { freePort } from './process';
export { isN8n1 } from './lines';
export { type QueueCluster, type QueueWorker, startQueueCluster } from './queue';
