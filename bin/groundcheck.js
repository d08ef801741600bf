#!/usr/bin/env node
// A short-lived process: caching V8's compiled code (in the OS temp dir) saves ~60 ms of start-up.
require('v8-compile-cache');
require('../out/server/src/bin/groundcheck.js');
