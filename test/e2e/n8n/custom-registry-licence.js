// Preloaded into the n8n the community-package tests start (NODE_OPTIONS=--require <this file>),
// and into nothing else.
//
// n8n installs community packages from N8N_COMMUNITY_PACKAGES_REGISTRY only when its licence
// has the feature `feat:communityNodes:customRegistry` (a paid plan); otherwise every install
// answers 500 "Your license does not allow for feat:communityNodes:customRegistry" (2.41.1 and
// 1.123.81 alike). Users install from the public npm registry, where the check does not apply;
// the tests install from a local Verdaccio. This file lifts exactly that one licence answer:
// `License.prototype.isCustomNpmRegistryEnabled()` (packages/cli/src/license.ts, what
// CommunityPackagesService.getNpmRegistry() asks) returns true. Every other licence answer,
// and everything else n8n does, is unchanged.
'use strict';

const Module = require('node:module');
const path = require('node:path');

const originalLoad = Module._load;
let patched = false;

Module._load = function load(request, parent, isMain) {
	const exported = originalLoad.apply(this, arguments);
	// n8n requires its licence module as `./license`, `../license`, `@/license`…
	if (!patched && typeof request === 'string' && /(^|\/)license$/.test(request) && parent) {
		let file;
		try {
			file = Module._resolveFilename(request, parent, isMain);
		} catch {
			return exported;
		}
		if (file.endsWith(`${path.sep}n8n${path.sep}dist${path.sep}license.js`) && exported && exported.License) {
			exported.License.prototype.isCustomNpmRegistryEnabled = function isCustomNpmRegistryEnabled() {
				return true;
			};
			patched = true;
			Module._load = originalLoad;
		}
	}
	return exported;
};
