#!/usr/bin/env node
// Parsing thousands of files and streaming registry documents leave short-lived garbage in bursts.
// A smaller young generation collects it sooner, and a heap that grows by half at a time (instead
// of up to 4x) is collected before it balloons: a cold run over astro peaked at 425 MB instead of
// about 650 MB, warm at 6.0 s instead of 5.8 s (growing by 20% saved 10 MB more and cost 0.7 s).
// WebAssembly (tree-sitter's grammars, the module lexers) runs on V8's baseline compiler only: its
// optimising tier compiled the bash grammar into ~25 MB of code, for parses of a few lines each
// (astro warm: 310 to 270 MB peak and 0.4 s faster; cold: 447 to 376 MB).
// V8 reads these when the heap is set up, so they must be on the command line: when they are not
// (`groundcheck`, `node bin/groundcheck.js`), the CLI runs itself again with them.
const HEAP_FLAGS = ['--max-semi-space-size=4', '--heap-growing-percent=50', '--liftoff-only'];
// (not under a debugger: the second process would fight the first for the inspector's port)
const debugging = process.execArgv.some((arg) => arg.startsWith('--inspect'));
if (!debugging && !HEAP_FLAGS.every((flag) => process.execArgv.includes(flag))) {
  const { spawnSync } = require('child_process');
  // (two malloc arenas: what libuv's threads free while inflating tarballs stays resident otherwise;
  // see serverEnv in shared/protocol.ts)
  const env = { ...process.env, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX || '2' };
  const run = spawnSync(process.execPath, [...process.execArgv, ...HEAP_FLAGS, __filename, ...process.argv.slice(2)], { stdio: 'inherit', env });
  if (run.error) throw run.error;
  if (run.signal) process.kill(process.pid, run.signal);
  process.exit(run.status ?? 1);
}
// A short-lived process: caching V8's compiled code (in the OS temp dir) saves ~60 ms of start-up.
// (A clone has it; the packed tarball depends on nothing, its bundle carries what it needs.)
try {
  require('v8-compile-cache');
} catch {
  // not installed: start without the cache
}
// From a clone, the tsc build (out/); from the packed tarball, which ships only the bundle, dist/.
const fs = require('fs');
const path = require('path');
const built = path.join(__dirname, '..', 'out', 'server', 'src', 'bin', 'groundcheck.js');
require(fs.existsSync(built) ? built : path.join(__dirname, '..', 'dist', 'cli.js'));
