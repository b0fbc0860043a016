// jest globalSetup / globalTeardown: one temporary folder for the whole run (harness user
// folders, binary data), removed afterwards. Workers inherit WAN_VACE_TEST_TMP.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

async function setup() {
	process.env.WAN_VACE_TEST_TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'wan-vace-tests-'));
}

async function teardown() {
	const folder = process.env.WAN_VACE_TEST_TMP;
	if (folder) fs.rmSync(folder, { recursive: true, force: true });
}

module.exports = { setup, teardown };
