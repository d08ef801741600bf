/**
 * `npm start`: the extension in a real editor, on the tour (every kind of finding), in your browser.
 * Builds and packages if needed, installs code-server 4.100.3 on first use into
 * ~/.cache/groundcheck-e2e (no root, no browser download), starts it on 127.0.0.1 with the .vsix
 * installed and the tour open, and prints the URL. Registries: yours when they answer, else
 * loopback ones (scripts/support/tour.ts). Where code-server cannot be installed, it says exactly
 * what is missing and runs the terminal demo instead. Ctrl-C stops everything.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CODE_SERVER_VERSION, installCodeServer, launchEditor, missingPrerequisites, ROOT, VSIX } from './support/editor';
import { prepareTour } from './support/tour';

const STEPS = 4;
let step = 0;
const progress = (what: string) => console.log(`[${++step}/${STEPS}] ${what}`);

/** The newest modification time under a folder (sources decide whether the bundle is stale). */
function newest(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

const mtime = (p: string) => (fs.existsSync(p) ? fs.statSync(p).mtimeMs : 0);

function npm(args: string[]): void {
  const r = spawnSync('npm', args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (exit ${r.status})`);
}

function demoInstead(reason: string): number {
  console.log(`\n${reason}\nRunning the terminal demo instead (npm run demo):\n`);
  return spawnSync(process.execPath, [path.join(ROOT, 'out', 'scripts', 'demo.js')], { stdio: 'inherit' }).status ?? 1;
}

async function main(): Promise<number> {
  const sources = Math.max(...['server/src', 'client/src', 'shared'].map((d) => newest(path.join(ROOT, d))));
  progress('build and package the extension');
  const stale = [path.join(ROOT, 'dist', 'server.js'), path.join(ROOT, 'dist', 'client.js'), VSIX].some((f) => mtime(f) < sources);
  if (stale) npm(['run', 'package']); // (which builds first)
  else console.log(`      ${path.relative(process.cwd(), VSIX)} is up to date`);

  progress(`code-server ${CODE_SERVER_VERSION}`);
  const missing = missingPrerequisites();
  if (missing.length > 0) return demoInstead(`code-server's install needs: ${missing.join(', ')} (Debian/Ubuntu: sudo apt-get install ${missing.join(' ')}).`);
  let codeServer: string;
  try {
    codeServer = installCodeServer({ allowApt: false });
  } catch (e) {
    return demoInstead(`code-server could not be installed: ${(e as Error).message.split('\n')[0]}`);
  }

  progress('registries for the tour');
  const tour = await prepareTour({ log: (l) => console.log(`      ${l}`) });
  console.log(`      npm registry: ${tour.npmSource}\n      Python index: ${tour.pythonSource}`);

  progress('start the editor');
  const port = Number(process.env.GROUNDCHECK_PORT ?? 0);
  const editor = await launchEditor({ codeServer, folder: tour.root, env: tour.env, groundcheck: tour.settings, port, tour: true });
  console.log(`\nGroundcheck in VS Code (code-server), with the tour open:\n\n    ${editor.url}\n`);
  console.log('Open it in your browser, then open src/server.ts, analysis/report.py, package.json and the notebook.');
  console.log('Ctrl-C stops the editor and the registries.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await editor.stop();
  await tour.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`npm start failed: ${(e as Error).message}`);
    process.exit(1);
  },
);
