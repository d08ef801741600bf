/**
 * `npm run bench:peers`: Groundcheck against the tools people use today, in one run on the same
 * trees: knip (unlisted / unresolved), ESLint with eslint-plugin-import `no-unresolved` and
 * eslint-plugin-n `no-missing-import`, and depcheck (missing). For each: wall time, peak RSS, and
 * how many planted made-up packages it reported as made up versus merely unresolved/missing, and
 * whether it called a real-but-undeclared package made up. Groundcheck asks Verdaccio on loopback,
 * where the real packages are published; the peers need no registry. With folders as arguments,
 * the same comparison with knip on checked-out real repositories (`realRepositories`).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Verdaccio } from '../test/support/verdaccio';
import { copyFixture, isolatedEnv } from '../test/support/workspace';

const ROOT = path.resolve(__dirname, '..', '..');
/** The peers live outside the project's dependencies (scripts/install-peers.sh). */
const PEERS = execFileSync('bash', [path.join(ROOT, 'scripts', 'install-peers.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop()!;
const BIN = (name: string) => path.join(PEERS, 'node_modules', '.bin', name);
const PEER_MODULE = (rel: string) => path.join(PEERS, 'node_modules', rel);

interface Tree {
  name: string;
  dir: string;
  files: number;
  madeUp: string[];
  undeclared: string[];
  /** Installed and declared: these must not be reported by anyone. */
  real: string[];
}

interface Outcome {
  tool: string;
  wallS: number;
  peakMb: number;
  /** Names the tool mentioned, and how it classified them. */
  madeUp: Set<string>;
  unresolved: Set<string>;
  error?: string;
}

const FILES = 2000;
const MADE_UP = Array.from({ length: 20 }, (_, i) => `${['react', 'express', 'lodash', 'axios', 'next'][i % 5]}-${['helpers', 'utils-pro', 'toolkit-plus', 'extra'][i % 4]}-${i}-zz`);
const UNDECLARED = Array.from({ length: 10 }, (_, i) => `undeclared-real-${i}`);
const INSTALLED = Array.from({ length: 20 }, (_, i) => `installed-dep-${i}`);

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** 2,000 ES modules in 40 features; made-up and undeclared names planted in known files. */
function generateTree(): Tree {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'gc-peers-')));
  const deps = Object.fromEntries(INSTALLED.map((n) => [n, '^1.0.0']));
  write(path.join(dir, 'package.json'), JSON.stringify({ name: 'generated-app', version: '1.0.0', type: 'module', main: 'src/index.js', dependencies: deps }, null, 2));
  for (const n of INSTALLED) {
    write(path.join(dir, 'node_modules', n, 'package.json'), JSON.stringify({ name: n, version: '1.0.0', main: 'index.js', type: 'module', exports: { '.': './index.js' } }));
    write(path.join(dir, 'node_modules', n, 'index.js'), 'export default {};\n');
  }
  const index: string[] = [];
  for (let i = 0; i < FILES - 1; i++) {
    const feature = `feature-${i % 40}`;
    const rel = `src/${feature}/module-${i}.js`;
    const lines = [`import * as path from 'node:path';`, `import dep from '${INSTALLED[i % INSTALLED.length]}';`];
    if (i >= 40) lines.push(`import { helper${i - 40} } from './module-${i - 40}.js';`); // same feature folder
    if (i % 97 === 5 && i / 97 < MADE_UP.length) lines.push(`import planted from '${MADE_UP[Math.floor(i / 97)]}';`);
    if (i % 191 === 7 && i / 191 < UNDECLARED.length) lines.push(`import undeclared from '${UNDECLARED[Math.floor(i / 191)]}';`);
    lines.push('', `export function helper${i}(x) {`, `  return path.join(String(x), String(dep));`, '}', '');
    write(path.join(dir, rel), lines.join('\n'));
    index.push(`export * from './${feature}/module-${i}.js';`);
  }
  write(path.join(dir, 'src', 'index.js'), index.join('\n') + '\n');
  // Configurations the peers need, as a project using them would have.
  write(path.join(dir, 'knip.json'), JSON.stringify({ entry: ['src/**/*.js'], project: ['src/**/*.js'] }));
  write(
    path.join(dir, 'eslint.config.js'),
    `import importPlugin from '${PEER_MODULE('eslint-plugin-import/lib/index.js')}';\nimport n from '${PEER_MODULE('eslint-plugin-n/lib/index.js')}';\nexport default [{ files: ['**/*.js'], languageOptions: { ecmaVersion: 'latest', sourceType: 'module' }, plugins: { import: importPlugin, n }, rules: { 'import/no-unresolved': 'error', 'n/no-missing-import': 'error' } }];\n`,
  );
  const planted = MADE_UP.filter((_, k) => k * 97 + 5 < FILES - 1);
  return { name: `generated (${FILES} files)`, dir, files: FILES, madeUp: planted, undeclared: UNDECLARED.filter((_, k) => k * 191 + 7 < FILES - 1), real: INSTALLED };
}

/** The repository's monorepo fixture, with the ESLint config for TypeScript. */
function fixtureTree(): Tree {
  const dir = copyFixture('monorepo');
  const parser = PEER_MODULE('@typescript-eslint/parser/dist/index.js');
  fs.writeFileSync(
    path.join(dir, 'eslint.config.mjs'),
    `import * as parser from '${parser}';\nimport importPlugin from '${PEER_MODULE('eslint-plugin-import/lib/index.js')}';\nimport n from '${PEER_MODULE('eslint-plugin-n/lib/index.js')}';\nexport default [{ files: ['**/*.ts'], languageOptions: { parser, ecmaVersion: 'latest', sourceType: 'module' }, plugins: { import: importPlugin, n }, settings: { 'import/resolver': { node: { extensions: ['.ts', '.js'] } } }, rules: { 'import/no-unresolved': 'error', 'n/no-missing-import': 'error' } }];\n`,
  );
  fs.writeFileSync(path.join(dir, 'knip.json'), JSON.stringify({ workspaces: { 'packages/*': { entry: ['src/**/*.ts'] } } }));
  return {
    name: 'repo fixture (monorepo)',
    dir,
    files: 0,
    madeUp: ['fast-json-parser-v2', 'lodahs', 'axios-retry-plus-ultra', '@fake-scope-zz/not-a-package'],
    undeclared: ['left-pad'],
    real: ['react', 'zod', '@mono/utils', 'my-virtual-module', 'legacy-ui', 'design-tokens', 'local-lib', 'pad'],
  };
}

/** Runs a command under GNU time for its peak RSS. */
function timed(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): { stdout: string; stderr: string; wallS: number; peakMb: number } {
  const timeFile = path.join(os.tmpdir(), `gc-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', timeFile, cmd, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wallS = (performance.now() - t0) / 1000;
  const peakKb = Number(fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop());
  fs.rmSync(timeFile, { force: true });
  return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', wallS, peakMb: peakKb / 1024 };
}

function mentions(text: string, names: string[]): Set<string> {
  // Names are matched as quoted tokens so that `react-helpers-0-zz` does not match inside another name.
  return new Set(names.filter((n) => text.includes(`'${n}'`) || text.includes(`"${n}"`)));
}

function runAll(tree: Tree, registryUrl: string): Outcome[] {
  const env = { ...isolatedEnv(tree.dir), NO_COLOR: '1' };
  const names = [...tree.madeUp, ...tree.undeclared, ...tree.real];
  const outcomes: Outcome[] = [];

  const gc = timed(process.execPath, [path.join(ROOT, 'bin', 'groundcheck.js'), 'check', '.', '--format', 'json', '--no-cache', '--fail-on', 'never', '--registry', registryUrl], tree.dir, env);
  try {
    const findings = JSON.parse(gc.stdout).findings as { package: string; code: string }[];
    outcomes.push({
      tool: 'groundcheck',
      wallS: gc.wallS,
      peakMb: gc.peakMb,
      madeUp: new Set(findings.filter((f) => f.code === 'missing-package').map((f) => f.package)),
      unresolved: new Set(findings.filter((f) => f.code !== 'missing-package').map((f) => f.package)),
    });
  } catch (e) {
    outcomes.push({ tool: 'groundcheck', wallS: gc.wallS, peakMb: gc.peakMb, madeUp: new Set(), unresolved: new Set(), error: `${(e as Error).message}: ${gc.stderr.slice(0, 300)}` });
  }

  const knip = timed(BIN('knip'), ['--reporter', 'json', '--no-progress', '--include', 'unlisted,unresolved'], tree.dir, env);
  outcomes.push({ tool: 'knip (unlisted + unresolved)', wallS: knip.wallS, peakMb: knip.peakMb, madeUp: new Set(), unresolved: mentions(knip.stdout, names), error: knip.stdout ? undefined : knip.stderr.slice(0, 300) });

  const eslint = timed(BIN('eslint'), ['-f', 'json', '--no-warn-ignored', '.'], tree.dir, env);
  let eslintMessages = '';
  try {
    // Only the messages: the JSON also carries each file's source, which names every import.
    const results = JSON.parse(eslint.stdout) as { messages: { message: string }[] }[];
    eslintMessages = results.flatMap((r) => r.messages.map((m) => m.message.replace(/"/g, "'"))).join('\n');
  } catch {
    // reported as an error below
  }
  outcomes.push({ tool: 'eslint (import/no-unresolved + n/no-missing-import)', wallS: eslint.wallS, peakMb: eslint.peakMb, madeUp: new Set(), unresolved: mentions(eslintMessages, names), error: eslint.stdout ? undefined : eslint.stderr.slice(0, 300) });

  const depcheck = timed(BIN('depcheck'), ['--json'], tree.dir, env);
  let missing: string[] = [];
  try {
    missing = Object.keys((JSON.parse(depcheck.stdout) as { missing: Record<string, unknown> }).missing ?? {});
  } catch {
    // reported as an error below
  }
  outcomes.push({ tool: 'depcheck (missing)', wallS: depcheck.wallS, peakMb: depcheck.peakMb, madeUp: new Set(), unresolved: new Set(missing.filter((m) => names.includes(m))), error: depcheck.stdout ? undefined : depcheck.stderr.slice(0, 300) });
  return outcomes;
}

/**
 * Real repositories (`npm run bench:peers -- <folder>...`): Groundcheck cold (an empty cache, your
 * npm configuration's registry), warm (the same cache) and warm without the parse results it kept
 * (every file parsed again), against knip (unlisted + unresolved), which needs no registry, on the
 * same checked-out folders: knip as it runs by default, and a second `knip --cache` run (knip keeps
 * its per-file results too; the fair match for Groundcheck's warm run).
 */
function realRepositories(folders: string[]): void {
  const lines = [
    '| repository | groundcheck cold | groundcheck warm | warm, every file parsed again | groundcheck peak RSS | knip (unlisted + unresolved) | knip --cache, 2nd run | knip peak RSS | warm ÷ knip | warm ÷ knip --cache |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const folder of folders) {
    const dir = path.resolve(folder);
    const cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-peers-cache-'));
    const env = { ...process.env, XDG_CACHE_HOME: cacheHome, NO_COLOR: '1' };
    const gc = () => timed(process.execPath, [path.join(ROOT, 'bin', 'groundcheck.js'), 'check', '.', '--format', 'json', '--fail-on', 'never', '-o', path.join(cacheHome, 'report.json')], dir, env);
    const cold = gc();
    const warm = gc();
    const derived = path.join(cacheHome, 'groundcheck', 'derived');
    for (const f of fs.readdirSync(derived).filter((n) => n.startsWith('extracted-'))) fs.rmSync(path.join(derived, f));
    const reparsed = gc();
    const knipArgs = ['--reporter', 'json', '--no-progress', '--include', 'unlisted,unresolved'];
    const knip = timed(BIN('knip'), knipArgs, dir, env);
    // (its cache outside the checked-out folder, which stays as it was)
    const knipCache = ['--cache', '--cache-location', path.join(cacheHome, 'knip')];
    timed(BIN('knip'), [...knipArgs, ...knipCache], dir, env);
    const knipWarm = timed(BIN('knip'), [...knipArgs, ...knipCache], dir, env);
    // knip exits 1 with issues and 2 when some config could not be loaded; it still reports the rest.
    const knipNote = knip.stdout.startsWith('{') ? '' : ' (no report)';
    lines.push(`| ${path.basename(dir)} | ${cold.wallS.toFixed(1)} s | ${warm.wallS.toFixed(1)} s | ${reparsed.wallS.toFixed(1)} s | ${Math.max(cold.peakMb, warm.peakMb, reparsed.peakMb).toFixed(0)} MB | ${knip.wallS.toFixed(1)} s${knipNote} | ${knipWarm.wallS.toFixed(1)} s | ${Math.max(knip.peakMb, knipWarm.peakMb).toFixed(0)} MB | ${(warm.wallS / knip.wallS).toFixed(2)} | ${(warm.wallS / knipWarm.wallS).toFixed(2)} |`);
    fs.rmSync(cacheHome, { recursive: true, force: true });
  }
  console.log(`\nGroundcheck vs knip on real repositories (${os.cpus().length} cores, Node ${process.version})\n`);
  console.log(lines.join('\n'));
}

async function main(): Promise<void> {
  const folders = process.argv.slice(2);
  if (folders.length > 0) return realRepositories(folders);
  const registry = await Verdaccio.start();
  const tables: string[] = [];
  try {
    for (const n of [...UNDECLARED, ...INSTALLED, 'left-pad', 'declared-not-installed', 'lodash', 'react', 'zod']) await registry.publish(n, '1.0.0');
    for (const tree of [generateTree(), fixtureTree()]) {
      const rows = runAll(tree, registry.url);
      const lines = [
        `### ${tree.name}: ${tree.madeUp.length} planted made-up packages, ${tree.undeclared.length} real undeclared, ${tree.real.length} real declared or local`,
        '',
        '| tool | wall time | peak RSS | made-up reported as made up | made-up reported only as unresolved/missing | real undeclared reported | real undeclared called made up | real declared/local reported |',
        '|---|---:|---:|---:|---:|---:|---:|---:|',
      ];
      for (const o of rows) {
        const count = (names: string[], set: Set<string>) => names.filter((n) => set.has(n)).length;
        const any = new Set([...o.madeUp, ...o.unresolved]);
        lines.push(
          `| ${o.tool}${o.error ? ` (failed: ${o.error.replace(/\s+/g, ' ').slice(0, 120)})` : ''} | ${o.wallS.toFixed(2)} s | ${o.peakMb.toFixed(0)} MB | ${count(tree.madeUp, o.madeUp)}/${tree.madeUp.length} | ${count(tree.madeUp, o.unresolved)}/${tree.madeUp.length} | ${count(tree.undeclared, any)}/${tree.undeclared.length} | ${count(tree.undeclared, o.madeUp)} | ${count(tree.real, any)} |`,
        );
      }
      tables.push(lines.join('\n'));
    }
  } finally {
    await registry.stop();
  }
  console.log(`\nGroundcheck vs peers (${os.cpus().length} cores, Node ${process.version})\n`);
  console.log(tables.join('\n\n'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
