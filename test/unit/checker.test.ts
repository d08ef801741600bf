import * as assert from 'assert';
import * as os from 'os';
import * as fs from 'fs';
import * as path from 'path';
import { DocumentChecker } from '../../server/src/core/pipeline';
import { nodeFileSystem, neverCancelled, silentLogger, type FileSystem } from '../../server/src/core/io';
import { ExportTables } from '../../server/src/core/exports/exportTables';
import type { TarballSource } from '../../server/src/core/exports/tarballs';
import { memoryFileSystem } from '../support/memoryFileSystem';
import { normalizeSettings } from '../../server/src/core/config/settings';
import { PackageLookup } from '../../server/src/core/registry/lookup';
import { PopularIndex } from '../../server/src/core/suggest/popularIndex';
import { FakeClock, FakeRegistry } from '../support/fakes';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures');
const APP = path.join(FIXTURES, 'monorepo/packages/app/src');

/** The registry as the fixtures need it: the real names exist, nothing else does. */
const KNOWN = { 'left-pad': '1.3.0', 'declared-not-installed': '1.0.0', lodash: '4.17.21', react: '18.3.1', estree: '0.0.0' };

function setup(known: Record<string, string> = KNOWN, env: NodeJS.ProcessEnv = {}) {
  const clock = new FakeClock();
  const registry = new FakeRegistry(known, clock);
  const index = new PopularIndex();
  const lookup = new PackageLookup({ client: registry, clock, logger: silentLogger, snapshot: index });
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-home-'));
  const checker = new DocumentChecker({ fs: nodeFileSystem, lookup, index, logger: silentLogger, clock, env, trusted: true, homeDir: home });
  return { checker, registry, lookup, clock };
}

async function check(checker: DocumentChecker, file: string, settings: unknown = {}) {
  const text = fs.readFileSync(file, 'utf8');
  return checker.checkDocument({ path: file, text }, normalizeSettings(settings), neverCancelled);
}

describe('checker on the monorepo fixture', () => {
  it('reports nothing for real imports of every kind, without asking the registry about local ones', async () => {
    const { checker, registry } = setup();
    const result = await check(checker, path.join(APP, 'real.ts'));
    assert.deepStrictEqual(result.findings.map((f) => `${f.code} ${f.data.packageName}`), []);
    assert.ok(result.references > 30, `only ${result.references} references`);
    // Only what no local resolver settles reaches the registry: the declared-but-not-installed
    // dependency and the real name behind the `pad` alias.
    assert.deepStrictEqual([...new Set(registry.asked)].sort(), ['declared-not-installed', 'left-pad']);
  });

  it('flags every made-up name as missing-package, with suggestions, and a real undeclared one as a warning', async () => {
    const { checker } = setup();
    const result = await check(checker, path.join(APP, 'madeup.ts'));
    const byName = Object.fromEntries(result.findings.map((f) => [f.data.packageName, f]));
    assert.deepStrictEqual(Object.keys(byName).sort(), ['@fake-scope-zz/not-a-package', 'axios-retry-plus-ultra', 'fast-json-parser-v2', 'left-pad', 'lodahs']);
    for (const name of ['@fake-scope-zz/not-a-package', 'axios-retry-plus-ultra', 'fast-json-parser-v2', 'lodahs']) {
      assert.strictEqual(byName[name].code, 'missing-package');
      assert.strictEqual(byName[name].severity, 'error');
      assert.match(byName[name].message, /does not exist on the npm registry \(https:\/\/registry\.npmjs\.org\/\)/);
    }
    assert.deepStrictEqual(byName.lodahs.data.suggestions.slice(0, 1), ['lodash']);
    assert.strictEqual(byName.lodahs.data.subpath, '/merge');
    assert.match(byName.lodahs.message, /Did you mean 'lodash'/);
    assert.strictEqual(byName['left-pad'].code, 'undeclared-dependency');
    assert.strictEqual(byName['left-pad'].severity, 'warning');
    assert.strictEqual(byName['left-pad'].data.latest, '1.3.0');
    assert.strictEqual(byName['left-pad'].data.manifestPath, path.join(FIXTURES, 'monorepo/packages/app/package.json'));
  });

  it('honours // groundcheck-ignore-line and -next-line comments (with or without codes), not look-alikes in strings or regular expressions', async () => {
    const { checker } = setup();
    const result = await check(checker, path.join(FIXTURES, 'python-declarations/web/index.js'));
    // shim: next-line directive; third: the right code. other: a different code; fourth: the "directive"
    // on the line above is a regular expression, not a comment.
    assert.deepStrictEqual(result.findings.map((f) => `${f.range.start.line} ${f.code} ${f.data.packageName}`), ['2 missing-package made-up-js-other-zz', '6 missing-package made-up-js-fourth-zz']);
  });

  it('an undeclared type-only import names @types/<name> for the Add and Install fixes when it exists', async () => {
    const { checker } = setup({ ...KNOWN, '@types/left-pad': '1.2.0' });
    const result = await check(checker, path.join(FIXTURES, 'types-only/src/types-only.ts'));
    assert.deepStrictEqual(result.findings.map((f) => `${f.code} ${f.data.packageName} ${f.data.distribution} ${f.data.latest}`), ['undeclared-dependency left-pad @types/left-pad 1.2.0']);
    assert.match(result.findings[0].message, /Only its types are used here: @types\/left-pad provides them\./);
    // without an @types package, the fix names the package itself
    const plain = await check(setup().checker, path.join(FIXTURES, 'types-only/src/types-only.ts'));
    assert.strictEqual(plain.findings[0].data.distribution, undefined);
  });

  it('never reports a name the allowlist covers, by name or glob', async () => {
    const { checker } = setup();
    const result = await check(checker, path.join(APP, 'madeup.ts'), { allow: ['fast-json-parser-v2', '@fake-scope-zz/*', 'axios-*'] });
    assert.deepStrictEqual(result.findings.map((f) => f.data.packageName).sort(), ['left-pad', 'lodahs']);
  });

  it('never sends a private-scope name to the default registry', async () => {
    const { checker, registry } = setup();
    const result = await check(checker, path.join(APP, 'madeup.ts'), { privateScopes: ['@fake-scope-zz'] });
    assert.ok(!registry.asked.includes('@fake-scope-zz/not-a-package'));
    assert.ok(!result.findings.some((f) => f.data.packageName === '@fake-scope-zz/not-a-package'));
  });

  it('says unverified, never missing, when the registry fails', async () => {
    const { checker, registry } = setup();
    registry.failing = true;
    const result = await check(checker, path.join(APP, 'madeup.ts'));
    assert.ok(!result.findings.some((f) => f.code === 'missing-package'));
    const unverified = result.findings.filter((f) => f.code === 'unverified-package').map((f) => f.data.packageName);
    assert.ok(unverified.includes('fast-json-parser-v2'));
    // left-pad is in the bundled snapshot: known to exist even while the registry is down
    assert.ok(result.findings.some((f) => f.code === 'undeclared-dependency' && f.data.packageName === 'left-pad'));
  });

  it('in offline mode asks nothing and never claims a package is missing', async () => {
    const { checker, registry } = setup();
    const result = await check(checker, path.join(APP, 'madeup.ts'), { offline: true });
    assert.deepStrictEqual(registry.asked, []);
    assert.ok(!result.findings.some((f) => f.code === 'missing-package'));
    assert.strictEqual(result.unverified, 4);
  });

  it('applies severities from settings, and "off" drops the finding', async () => {
    const { checker } = setup();
    const result = await check(checker, path.join(APP, 'madeup.ts'), { severity: { 'missing-package': 'warning', 'undeclared-dependency': 'off' } });
    assert.ok(result.findings.length > 0, 'an empty list would pass every check');
    assert.ok(result.findings.every((f) => f.code === 'missing-package' && f.severity === 'warning'));
    assert.strictEqual(result.findings.length, 4);
  });

  it('asks the registry once per name however many references and documents', async () => {
    const { checker, registry } = setup();
    const file = path.join(APP, 'madeup.ts');
    await Promise.all([check(checker, file), check(checker, file), check(checker, file)]);
    const counts = registry.asked.reduce<Record<string, number>>((m, n) => ((m[n] = (m[n] ?? 0) + 1), m), {});
    assert.ok(Object.values(counts).length > 0, 'an empty list would pass every check');
    assert.ok(Object.values(counts).every((c) => c === 1), JSON.stringify(counts));
  });

  it('re-asks about a missing name after its short TTL, but not about an existing one', async () => {
    const { checker, registry, clock } = setup();
    const file = path.join(APP, 'madeup.ts');
    await check(checker, file);
    const before = registry.asked.length;
    clock.t += 2 * 60 * 60 * 1000; // two hours: past the missing TTL, within the exists TTL
    await check(checker, file);
    const again = registry.asked.slice(before).sort();
    assert.deepStrictEqual(again, ['@fake-scope-zz/not-a-package', 'axios-retry-plus-ultra', 'fast-json-parser-v2', 'lodahs']);
  });
});

describe('package verdicts before the API checks (editor)', () => {
  it('hands them over, and waits for them to be written, before reading the lockfile the API checks need', async () => {
    const events: string[] = [];
    const project = memoryFileSystem({
      '/w/package.json': JSON.stringify({ name: 'app', dependencies: { 'left-pad': '^1.3.0' } }),
      '/w/pnpm-lock.yaml': "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      left-pad:\n        specifier: ^1.3.0\n        version: 1.3.0\n",
      '/w/src/app.ts': '',
    });
    const fs: FileSystem = {
      ...project,
      readFile: (p) => {
        if (p.endsWith('pnpm-lock.yaml')) events.push('lockfile read');
        return project.readFile(p);
      },
    };
    const clock = new FakeClock();
    const index = new PopularIndex();
    const lookup = new PackageLookup({ client: new FakeRegistry({ 'left-pad': '1.3.0' }, clock), clock, logger: silentLogger, snapshot: index });
    const tarballs: TarballSource = {
      resolveVersion: async () => '1.3.0',
      versions: async () => ({ versions: ['1.3.0'], latest: '1.3.0' }),
      fetch: async () => {
        events.push('tarball');
        throw new Error('not needed here');
      },
    };
    const tables = new ExportTables({ fs: nodeFileSystem, logger: silentLogger, tarballs });
    const checker = new DocumentChecker({ fs, lookup, index, logger: silentLogger, clock, env: {}, trusted: true, homeDir: '/nohome', tables });
    const text = "import { pad } from 'left-pad';\nimport made from 'fast-json-parser-v2-zz';\n";
    const result = await checker.checkDocument({ path: '/w/src/app.ts', text }, normalizeSettings({}), neverCancelled, {
      onPartial: async (partial) => {
        events.push(`partial ${partial.findings.map((f) => f.code).join()}`);
        await new Promise((r) => setImmediate(r));
        events.push('written');
      },
    });
    assert.deepStrictEqual(result.findings.map((f) => f.code), ['missing-package']);
    assert.deepStrictEqual(events.slice(0, 3), ['partial missing-package', 'written', 'lockfile read']);
    assert.ok(events.includes('tarball'), 'the API check went on to the locked version');
  });
});
