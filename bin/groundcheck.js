#!/usr/bin/env node
require('../out/server/src/bin/groundcheck.js');
