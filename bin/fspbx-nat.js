#!/usr/bin/env node
'use strict';
// Thin launcher: the command itself is built into dist/ by `npm run build`.
const path = require('node:path');
const fs = require('node:fs');

const built = path.join(__dirname, '..', 'dist', 'electron', 'cli.js');
if (!fs.existsSync(built)) {
  console.error(
    'fspbx-nat: the wizard is not built yet. Run `npm run build` in ' + path.dirname(__dirname) + ' first.',
  );
  process.exit(1);
}
require(built);
