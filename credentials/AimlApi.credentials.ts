import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class AimlApi implements ICredentialType {
	name = 'aimlApi';

	displayName = 'AI/ML API';

	icon: Icon = { light: 'file:aimlApi.svg', dark: 'file:aimlApi.dark.svg' };

	documentationUrl = 'https://docs.aimlapi.com/quickstart/setting-up';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your AI/ML API key, from https://aimlapi.com/app/keys',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.aimlapi.com',
			description:
				'Leave the default unless you go through a proxy (or the local simulator of this package). Must start with http:// or https://.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey.trim()}}',
			},
		},
	};

	// The account balance endpoint: authenticated, free, and it changes nothing. AI/ML API
	// serves it from billing.aimlapi.com; a custom Base URL (proxy, simulator) serves it itself.
	test: ICredentialTestRequest = {
		request: {
			method: 'GET',
			url: '={{ ($credentials.baseUrl || "https://api.aimlapi.com").replace(/\\/+$/, "") === "https://api.aimlapi.com" ? "https://billing.aimlapi.com/v1/billing/balance" : ($credentials.baseUrl || "").replace(/\\/+$/, "") + "/v1/billing/balance" }}',
		},
		rules: [
			{
				type: 'responseCode',
				properties: { value: 401, message: 'AI/ML API rejected the API key (HTTP 401). Copy it again from https://aimlapi.com/app/keys.' },
			},
			{
				type: 'responseCode',
				properties: { value: 403, message: 'AI/ML API accepted the key but refused access (HTTP 403): check the plan and credits of the account.' },
			},
			{
				type: 'responseCode',
				properties: { value: 404, message: 'No AI/ML API answers at this Base URL (HTTP 404). Leave it at https://api.aimlapi.com unless you use a proxy.' },
			},
		],
	};
}
