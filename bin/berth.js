#!/usr/bin/env node
// The `berth` command (apps/cli), built by `npm run build` (or `npx nest build cli`).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '..', 'dist', 'apps', 'cli', 'apps', 'cli', 'src', 'main.js');
if (!existsSync(main)) {
  process.stderr.write(`berth is not built (${main} is missing): run \`npm run build\` or \`npx nest build cli\`\n`);
  process.exit(1);
}
require(main);
