'use strict';

// Entry point (package.json "main"): the built node and credential classes.
// n8n itself loads them through the "n8n" section of package.json.
module.exports = {
	WanVaceInpaint: require('./dist/nodes/WanVace/WanVaceInpaint.node.js').WanVaceInpaint,
	AimlApi: require('./dist/credentials/AimlApi.credentials.js').AimlApi,
};
