/**
 * The tour: a copy of test/fixtures/tour (every kind of finding, once) with registries it can use.
 * The npm registry and Python index of your own configuration when they answer; otherwise a
 * loopback Verdaccio seeded with the tour's packages and the bundled sample Simple API index,
 * and it says which. Shared by `npm run demo` (terminal) and `npm start` (the editor).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { loadNpmConfig } from '../../server/src/core/registry/npmrc';
import { loadPipConfig } from '../../server/src/core/registry/pipConfig';
import { nodeFileSystem } from '../../server/src/core/io';
import { Verdaccio } from '../../test/support/verdaccio';
import { SimpleIndex } from '../../test/support/simpleIndex';

export const TOUR_FIXTURE = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'tour');

/** What each code means, in one line (printed under the demo's findings). */
export const LEGEND: [string, string][] = [
  ['missing-package', 'the package (or distribution) does not exist on the registry or index asked'],
  ['missing-version', 'the package exists, but no published version satisfies the range or pin'],
  ['missing-export', 'the package exists, but does not export that name (at the version the project uses)'],
  ['export-in-other-version', 'the name exists, but only in another major version than the one declared'],
  ['undeclared-dependency', 'real and importable, but not in the manifest, so a clean install will not have it'],
  ['suspicious-package', 'exists, but looks like a squat of a popular name (a slip away, far fewer downloads)'],
  ['unverified-package', 'the registry could not be asked (offline, refused, timed out): never called missing'],
  ['manifest-unreadable', 'package.json or pyproject.toml does not parse, so what it declares is unknown'],
  ['check-failed', 'the file itself could not be checked (reported on it; every other file goes on)'],
];

export interface Tour {
  root: string;
  /** Where the registry answers came from, in words. */
  npmSource: string;
  pythonSource: string;
  /** groundcheck settings for the server (the Python index when it is the loopback one). */
  settings: Record<string, unknown>;
  /** The environment for the server (and the editor): the loopback registry wins over npm_config_registry. */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** Whether a URL answers 200 within the time (any failure is a no). */
async function answers(url: string, ms = 3000): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(ms), headers: { accept: 'application/json, text/html' } });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/** The tour's real npm packages, with just enough in them for each check (types list the exports). */
async function seedVerdaccio(): Promise<Verdaccio> {
  const v = await Verdaccio.start();
  const types = (names: string[]) => ({ 'index.js': 'module.exports = {};\n', 'index.d.ts': names.map((n) => `export declare function ${n}(...args: unknown[]): unknown;\n`).join('') });
  await Promise.all([
    v.publish('express', '4.21.2', { types: 'index.d.ts' }, { 'index.js': 'module.exports = function express() {};\n', 'index.d.ts': 'declare function e(): unknown;\nexport default e;\n' }),
    v.publish('zod', '3.23.8', { types: 'index.d.ts' }, types(['z', 'object', 'string'])),
    v.publish('cors', '2.8.5'),
    v.publish('lodash', '4.17.21', { types: 'index.d.ts' }, types(['merge', 'mergeWith', 'cloneDeep', 'get', 'set'])),
    v.publish('left-pad', '1.3.0'),
    v.publish('expres', '0.0.5'),
    v.publish('fast-json-parse', '1.0.3'),
  ]);
  // react: 18 (declared) lacks useActionState, 19 added it
  await v.publish('react', '18.3.1', { types: 'index.d.ts' }, types(['useState', 'useEffect', 'useTransition']));
  await v.publish('react', '19.0.0', { types: 'index.d.ts' }, types(['useState', 'useEffect', 'useTransition', 'useActionState', 'use']));
  return v;
}

/**
 * `offline`: do not try your registries (tests: the public registry and PyPI are never asked).
 */
export async function prepareTour(options: { log?: (line: string) => void; offline?: boolean } = {}): Promise<Tour> {
  const log = options.log ?? (() => undefined);
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'groundcheck-tour-')));
  fs.cpSync(TOUR_FIXTURE, root, { recursive: true });
  const stops: (() => Promise<void>)[] = [];

  const npm = loadNpmConfig({ fs: nodeFileSystem, env: process.env, projectDir: root, trusted: false });
  const registry = npm.options.registry;
  let npmSource: string;
  const env: NodeJS.ProcessEnv = { ...process.env };
  log(`checking that ${registry} answers ...`);
  if (!options.offline && (await answers(new URL('express', registry).toString()))) {
    npmSource = `${registry} (your npm configuration)`;
  } else {
    log('it does not: starting a loopback registry with the tour\'s packages ...');
    const v = await seedVerdaccio();
    stops.push(() => v.stop());
    fs.appendFileSync(path.join(root, '.npmrc'), `registry=${v.url}\n`);
    env.npm_config_registry = v.url;
    npmSource = `${v.url} (a loopback Verdaccio seeded with the tour's packages: ${registry} did not answer)`;
  }

  const settings: Record<string, unknown> = {};
  const pip = loadPipConfig({ fs: nodeFileSystem, env: process.env, trusted: true });
  const index = pip.indexUrl.endsWith('/') ? pip.indexUrl : `${pip.indexUrl}/`;
  let pythonSource: string;
  log(`checking that ${index} answers ...`);
  if (!options.offline && (index.startsWith('file:') ? fs.existsSync(fileURLToPath(new URL('requests/', index))) : await answers(new URL('requests/', index).toString()))) {
    pythonSource = `${index} (your pip configuration)`;
  } else {
    const simple = await SimpleIndex.start();
    stops.push(() => simple.stop());
    settings.python = { indexUrl: simple.url };
    // (also as workspace settings: any editor opened on the folder, however launched, uses it)
    fs.mkdirSync(path.join(root, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(root, '.vscode', 'settings.json'), JSON.stringify({ 'groundcheck.python.indexUrl': simple.url }, null, 2));
    pythonSource = `${simple.url} (the bundled sample index on loopback: ${index} did not answer)`;
  }
  return { root, npmSource, pythonSource, settings, env, stop: async () => void (await Promise.all(stops.map((s) => s()))) };
}
