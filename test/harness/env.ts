import { fs, os, path, process } from '../support/node';

/**
 * n8n-core reads its configuration (user folder, binary data mode) from the environment
 * when its services are first created, so this module must be imported before n8n-core.
 */
// Under jest the run's temporary folder (test/support/temp-root.js) is removed at the end;
// elsewhere (benchmarks) this process removes its own folder on exit.
const testRoot = process.env.WAN_VACE_TEST_TMP;
const userFolder = fs.mkdtempSync(path.join(testRoot ?? os.tmpdir(), 'wan-vace-n8n-core-'));
if (!testRoot) process.once('exit', () => fs.rmSync(userFolder, { recursive: true, force: true }));
process.env.N8N_USER_FOLDER = userFolder;
process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
process.env.N8N_BINARY_DATA_SIGNING_SECRET = 'test-signing-secret';
process.env.N8N_ENCRYPTION_KEY = 'test-encryption-key';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
process.env.N8N_LOG_LEVEL = process.env.N8N_LOG_LEVEL ?? 'silent';
process.env.N8N_SSRF_PROTECTION_ENABLED = 'false';

export const N8N_USER_FOLDER = userFolder;
