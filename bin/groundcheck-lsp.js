#!/usr/bin/env -S node --max-semi-space-size=2
// The flag keeps RSS low (short-lived parse garbage); keep it equal to SERVER_NODE_ARGS in server/src/lsp/protocol.ts.
require('../out/server/src/bin/groundcheck-lsp.js');
