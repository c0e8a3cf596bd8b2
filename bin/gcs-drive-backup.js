#!/usr/bin/env node
// The installed command: runs the built CLI (`npm run build` produces dist/).
require('../dist/cli/main.js').main();
