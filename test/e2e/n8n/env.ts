/** The environment variables an n8n of the harness runs with (see the header of index.ts). */
import { crypto, loadModule, path, process, repoRoot } from '../../support/node';
import { lineEnv } from './lines';
import type { N8nInstall } from './types';

/** bcrypt hash (what N8N_INSTANCE_OWNER_PASSWORD_HASH wants), made with n8n's bcryptjs. */
export function hashOwnerSecret(install: N8nInstall, secret: string): string {
	const bcryptjs = path.join(path.dirname(path.dirname(path.dirname(install.bin))), 'node_modules', 'bcryptjs');
	const bcrypt = loadModule(bcryptjs) as { hashSync(value: string, rounds: number): string };
	return bcrypt.hashSync(secret, 8);
}

/** The variables n8n runs with; the header comment says why each group is there. */
export function buildEnv(p: {
	install: N8nInstall;
	ownerSecretHash: string;
	userFolder: string;
	filesDir: string;
	port: number;
	brokerPort: number;
	logLevel: string;
	extra: Record<string, string>;
}): Record<string, string> {
	const dropped = /^(N8N_|DB_|EXECUTIONS_|QUEUE_|WEBHOOK_URL$|GENERIC_TIMEZONE$|CREDENTIALS_|NODES_|NODE_ENV$|NODE_OPTIONS$|JEST_|E2E_TESTS$)/;
	const inherited: Record<string, string> = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (value !== undefined && !dropped.test(key)) inherited[key] = value;
	}
	const nodeDir = path.dirname(p.install.node);
	return {
		...inherited,
		PATH: `${nodeDir}${path.delimiter}${inherited.PATH ?? ''}`,
		NODE_ENV: 'production',
		GENERIC_TIMEZONE: 'UTC',
		TZ: 'UTC',
		// Where everything lives: one temp folder, SQLite in it.
		N8N_USER_FOLDER: p.userFolder,
		DB_TYPE: 'sqlite',
		N8N_ENCRYPTION_KEY: crypto.randomBytes(24).toString('hex'),
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		// Network: loopback only, free ports (server and the Code node's task broker).
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_PORT: String(p.port),
		N8N_SECURE_COOKIE: 'false',
		N8N_RUNNERS_MODE: 'internal',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(p.brokerPort),
		// Nothing that calls the internet.
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false', // else n8n fetches the vetted node list from api.n8n.io
		N8N_REINSTALL_MISSING_PACKAGES: 'false', // never npm-install anything
		// Community packages: load what is in .n8n/nodes/node_modules (our package).
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_COMMUNITY_PACKAGES_PREVENT_LOADING: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		// Executions: binary data on disk, every execution kept and readable afterwards.
		N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
		EXECUTIONS_DATA_PRUNE: 'false',
		N8N_SSRF_PROTECTION_ENABLED: 'false', // the API simulator listens on 127.0.0.1
		N8N_RESTRICT_FILE_ACCESS_TO: [p.filesDir, path.join(repoRoot, 'test', 'fixtures')].join(';'),
		// 2.x: the owner, so the REST API works without the setup screen; the MCP registry off.
		...lineEnv(p.install.version, p.ownerSecretHash),
		// Logs: plain text on stdout; info so a failed CLI execution prints its data.
		N8N_LOG_LEVEL: p.logLevel,
		N8N_LOG_OUTPUT: 'console',
		N8N_LOG_FORMAT: 'text',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
		...p.extra,
	};
}
