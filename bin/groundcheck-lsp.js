#!/usr/bin/env -S node --max-semi-space-size=2 --optimize-for-size
// The flags keep RSS low (see SERVER_NODE_ARGS in server/src/lsp/protocol.ts, which they must match).
require('../out/server/src/bin/groundcheck-lsp.js');
