/** `groundcheck check [paths…]`: the CI gate. Exit codes: 0 clean, 1 findings, 2 error. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ExtractPool, parserWorkerCount } from '../core/extract/extractPool';
import { parseArgs } from '../cli/args';
import type { runCli as RunCli } from '../cli/main';

/**
 * A check of folders starts its parser workers before this thread loads the rest of the CLI: each
 * loads TypeScript, and on two cores the two loads overlap instead of following one another
 * (excalidraw, whose run waits on its parser: 0.4 s sooner). The run closes them if it turns out
 * to have too little JavaScript for them.
 */
function startWorkersEarly(args: string[]): ExtractPool | undefined {
  if (os.availableParallelism() < 2) return undefined;
  try {
    const o = parseArgs(args);
    if (o.command !== 'check' || o.changed) return undefined;
    const folders = (o.paths.length > 0 ? o.paths : ['.']).every((p) => fs.statSync(path.resolve(p)).isDirectory());
    return folders ? new ExtractPool(parserWorkerCount()) : undefined;
  } catch {
    return undefined; // a usage error or a missing path: the CLI says so
  }
}

const args = process.argv.slice(2);
const started = startWorkersEarly(args);
// (required, not imported: it loads what this thread needs only after the workers are started)
const { runCli } = require('../cli/main') as { runCli: typeof RunCli };

runCli(args, { cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr }, started).then((code) => {
  // The report is written: exit now rather than wait for keep-alive sockets and cache timers to
  // wind down (seconds in CI). Exiting from the write callbacks lets piped output drain first.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
});
