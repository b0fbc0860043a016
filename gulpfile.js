const path = require('path');
const { task, src, dest } = require('gulp');

// Every SVG the node and the credential reference sits next to its .ts file;
// tsc does not copy them, so this task puts them beside the compiled .js in dist/.
function copyIcons() {
	const nodeIcons = src(path.resolve('nodes', '**', '*.svg')).pipe(dest(path.resolve('dist', 'nodes')));
	const credentialIcons = src(path.resolve('credentials', '**', '*.svg')).pipe(dest(path.resolve('dist', 'credentials')));
	return Promise.all([streamDone(nodeIcons), streamDone(credentialIcons)]);
}

function streamDone(stream) {
	return new Promise((resolve, reject) => stream.on('end', resolve).on('finish', resolve).on('error', reject));
}

task('build:icons', copyIcons);
