#!/usr/bin/env -S node --max-semi-space-size=2 --optimize-for-size --liftoff-only
// The flags keep RSS low (see SERVER_NODE_ARGS in server/src/lsp/protocol.ts, which they must match).
// From a clone, the tsc build (out/); from the packed tarball, which ships only the bundle, dist/.
const fs = require('fs');
const path = require('path');
const built = path.join(__dirname, '..', 'out', 'server', 'src', 'bin', 'groundcheck-lsp.js');
require(fs.existsSync(built) ? built : path.join(__dirname, '..', 'dist', 'server.js'));
