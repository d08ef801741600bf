import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createCore, type Core } from '../../server/src/core';
import { neverCancelled, silentLogger } from '../../server/src/core/io';
import { normalizeSettings } from '../../server/src/core/config/settings';
import type { Finding } from '../../server/src/core/model';
import { Verdaccio } from '../support/verdaccio';
import { copyFixture, isolatedEnv } from '../support/workspace';

/**
 * Packages that are not installed: their exports come from the tarball the registry serves.
 * gc-widgets has two majors that add and remove exports; the others cover @types, no types at all
 * and ES modules.
 */
async function publishAll(registry: Verdaccio): Promise<void> {
  const widgets = (names: string[]) => ({ 'index.d.ts': names.map((n) => `export declare function ${n}(): void;\n`).join(''), 'index.js': '' });
  const typed = { types: 'index.d.ts' };
  await registry.publish('gc-widgets', '1.0.0', typed, widgets(['oldApi', 'shared']));
  await registry.publish('gc-widgets', '1.4.0', typed, widgets(['oldApi', 'shared', 'midApi']));
  await registry.publish('gc-widgets', '2.0.0', typed, widgets(['shared', 'newApi']));
  await registry.publish('gc-widgets', '2.1.0', typed, widgets(['shared', 'newApi', 'newerApi']));
  await registry.publish('gc-untyped', '1.2.0', {}, { 'index.js': 'exports.fromJs = 1;\n' });
  await registry.publish('@types/gc-untyped', '1.2.5', { types: 'index.d.ts' }, { 'index.d.ts': 'export declare function typedName(): string;\n' });
  await registry.publish('gc-plain', '1.0.0', {}, { 'index.js': 'module.exports = { alpha: 1, beta() {} };\n' });
  // A package whose types re-export another package's (`export * from`), as @tanstack/react-query does.
  await registry.publish('gc-query-core', '5.2.0', typed, { 'index.d.ts': 'export declare class QueryClient {}\nexport declare function hashKey(): string;\n', 'index.js': '' });
  await registry.publish('gc-query-core', '4.9.0', typed, { 'index.d.ts': 'export declare class QueryClient {}\n', 'index.js': '' });
  await registry.publish('gc-react-query', '5.2.0', { ...typed, dependencies: { 'gc-query-core': '^5.2.0' } }, { 'index.d.ts': "export * from 'gc-query-core';\nexport declare function useQuery(): unknown;\n", 'index.js': '' });
  await registry.publish('gc-esm', '1.0.0', { type: 'module', exports: './main.js' }, { 'main.js': "export const one = 1;\nexport * from './more.js';\n", 'more.js': 'export function two() {}\n' });
}

function project(registry: Verdaccio, fixture: string): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = copyFixture(fixture);
  fs.writeFileSync(path.join(dir, '.npmrc'), `registry=${registry.url}\n`);
  return { dir, env: isolatedEnv(dir) };
}

const summary = (findings: Finding[]) => findings.map((f) => `${f.code} ${f.data.exportName}`).sort();

describe('API checks on packages that are not installed (tarballs from Verdaccio)', function () {
  this.timeout(90_000);
  let registry: Verdaccio;
  const cores: Core[] = [];
  const newCore = (env: NodeJS.ProcessEnv, cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-exports-'))) => {
    const core = createCore({ logger: silentLogger, cacheDir, env, timeoutMs: 10_000 });
    cores.push(core);
    return core;
  };
  const check = (core: Core, file: string) => core.checker.checkDocument({ path: file, text: fs.readFileSync(file, 'utf8') }, normalizeSettings({}), neverCancelled);

  before(async () => {
    registry = await Verdaccio.start();
    await publishAll(registry);
  });
  after(async () => {
    for (const core of cores) core.tables.flush();
    await registry?.stop();
  });

  it('checks names against the declared major, and says which version added a name from a newer one', async () => {
    const { dir, env } = project(registry, 'api-registry/v1');
    const core = newCore(env);
    for (const file of ['uses.js', 'uses.ts']) {
      const result = await check(core, path.join(dir, 'src', file));
      assert.deepStrictEqual(summary(result.findings), [
        'export-in-other-version newApi',
        'missing-export fakeApi',
        'missing-export gamma',
        'missing-export three',
        'missing-export typedNameX',
      ], file);
      const newApi = result.findings.find((f) => f.data.exportName === 'newApi')!;
      assert.strictEqual(newApi.severity, 'warning');
      assert.strictEqual(newApi.message, "'newApi' is not exported by gc-widgets 1.4.0, the version this project declares (^1.0.0): it was added in 2.0.0.");
      const fake = result.findings.find((f) => f.data.exportName === 'fakeApi')!;
      assert.match(fake.message, /^'fakeApi' is not exported by gc-widgets 1\.4\.0 \(its bundled types\)/);
      // TypeScript cannot see a package that is not installed: the finding is ours to publish.
      assert.ok(result.findings.length > 0, 'an empty list would pass every check');
      assert.ok(result.findings.every((f) => !f.data.typescriptReports), file);
      const typed = result.findings.find((f) => f.data.exportName === 'typedNameX')!;
      assert.match(typed.message, /types from @types\/gc-untyped 1\.2\.5\)\. Did you mean 'typedName'\?/);
    }
  });

  it('follows `export * from` into another package, at the version its range selects', async () => {
    const { dir, env } = project(registry, 'api-registry/v1');
    const result = await check(newCore(env), path.join(dir, 'src', 'reexports.ts'));
    // hashKey exists only in gc-query-core 5 (the range ^5.2.0 picks it, not 4.9.0); useSuperQuery nowhere
    assert.deepStrictEqual(summary(result.findings), ['missing-export useSuperQuery']);
    assert.match(result.findings[0].message, /not exported by gc-react-query 5\.2\.0 \(its bundled types\)\. Did you mean 'useQuery'\?/);
  });

  it('says which version last exported a name the declared major removed', async () => {
    const { dir, env } = project(registry, 'api-registry/v2');
    const result = await check(newCore(env), path.join(dir, 'src', 'uses.js'));
    assert.deepStrictEqual(summary(result.findings), ['export-in-other-version oldApi']);
    assert.strictEqual(result.findings[0].message, "'oldApi' is not exported by gc-widgets 2.1.0, the version this project declares (^2.0.0): the last version that exports it is 1.4.0.");
  });

  it('keeps only declaration files and package.json in the cache, and answers the second time from it', async () => {
    const { dir, env } = project(registry, 'api-registry/v1');
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-exports-'));
    const first = newCore(env, cacheDir);
    await check(first, path.join(dir, 'src', 'uses.js'));
    first.tables.flush();
    first.lookup.flush();
    const kept: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(path.join(d, e.name)) : kept.push(e.name);
    };
    walk(path.join(cacheDir, 'types-v4'));
    assert.ok(kept.includes('index.d.ts') && kept.includes('package.json'), kept.join(', '));
    assert.deepStrictEqual(kept.filter((f) => !/\.d\.ts$|^package\.json$|^\.complete$/.test(f)), []);
    // A new session over the same cache with the registry gone: the same findings, from disk.
    await registry.stop();
    try {
      const second = newCore(env, cacheDir);
      const again = await check(second, path.join(dir, 'src', 'uses.js'));
      assert.ok(summary(again.findings).includes('missing-export fakeApi'), summary(again.findings).join(', '));
    } finally {
      registry = await Verdaccio.start();
      await publishAll(registry);
    }
  });
});
