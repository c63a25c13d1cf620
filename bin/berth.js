#!/usr/bin/env node
// The `berth` command (apps/cli), built by `npm run build`.
require('../dist/apps/cli/apps/cli/src/main.js');
