import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { LspClient, SERVER_BIN, type Diagnostic } from '../support/lspClient';
import { Verdaccio } from '../support/verdaccio';
import { FaultyRegistry } from '../support/faultyRegistry';
import { copyFixture, isolatedEnv } from '../support/workspace';

// The full suite runs on the tsc build; the bundle has its own smoke suite (bundle.test.ts).
const SERVERS: [string, string][] = [['tsc build', SERVER_BIN]];

for (const [label, serverBin] of SERVERS) describe(`groundcheck-lsp --stdio (${label})`, function () {
  this.timeout(60_000);
  let registry: Verdaccio;
  let root: string;
  let client: LspClient;
  const app = () => path.join(root, 'packages/app/src');

  before(async () => {
    registry = await Verdaccio.start();
    await Promise.all([registry.publish('left-pad', '1.3.0'), registry.publish('declared-not-installed', '1.0.0'), registry.publish('lodash', '4.17.21')]);
    root = copyFixture('monorepo');
    fs.writeFileSync(path.join(root, '.npmrc'), `registry=${registry.url}\n`);
    assert.ok(fs.existsSync(serverBin), `${serverBin} is missing: run npm run build`);
    client = await LspClient.start({ rootDir: root, env: isolatedEnv(root), settings: { debounceMs: 150 }, serverBin });
  });
  after(async () => {
    await client?.stop();
    await registry?.stop();
  });

  it('registers watchers for every file its resolvers read (bundler configs and lockfiles included)', async () => {
    const watch = await client.waitForRegistration('workspace/didChangeWatchedFiles');
    const globs = watch?.registerOptions?.watchers?.map((w) => w.globPattern) ?? [];
    assert.ok(globs.some((g) => g.includes('vitest') && g.includes('config')), globs.join(' '));
    assert.ok(globs.some((g) => g.includes('pnpm-lock.yaml')) && globs.some((g) => g.includes('tox.ini')), globs.join(' '));
  });

  it('publishes nothing for a file of real imports of every kind', async () => {
    const file = path.join(app(), 'real.ts');
    const uri = client.open(file, fs.readFileSync(file, 'utf8'));
    const published = await client.waitForVersion(uri, 1);
    assert.deepStrictEqual(published.diagnostics.map((d) => d.message), []);
  });

  it('publishes missing-package for made-up names and undeclared-dependency for a real undeclared one', async () => {
    const file = path.join(app(), 'madeup.ts');
    const text = fs.readFileSync(file, 'utf8');
    const uri = client.open(file, text);
    const { diagnostics } = await client.waitForVersion(uri, 1);
    const lines = text.split('\n');
    const summary = diagnostics.map((d) => `${d.code} ${lines[d.range.start.line].slice(d.range.start.character, d.range.end.character)}`).sort();
    assert.deepStrictEqual(summary, [
      'missing-package @fake-scope-zz/not-a-package',
      'missing-package axios-retry-plus-ultra',
      'missing-package fast-json-parser-v2',
      'missing-package lodahs/merge',
      'undeclared-dependency left-pad',
    ]);
    for (const d of diagnostics) {
      assert.strictEqual(d.source, 'groundcheck');
      assert.match(d.codeDescription!.href, new RegExp(`#${d.code}$`));
    }
    const missing = diagnostics.find((d) => d.code === 'missing-package')!;
    assert.strictEqual(missing.severity, 1);
    assert.ok(missing.message.includes(registry.url), 'names the registry that was asked');
    assert.strictEqual(diagnostics.find((d) => d.code === 'undeclared-dependency')!.severity, 2);
  });

  it('offers quick fixes that edit only the package part, add the dependency, install and allow', async () => {
    const file = path.join(app(), 'madeup.ts');
    const uri = client.open(file, fs.readFileSync(file, 'utf8'), 'typescript', 7);
    const { diagnostics } = await client.waitForVersion(uri, 7);
    const lodahs = diagnostics.find((d) => d.message.startsWith("'lodahs'"))!;
    const actions = await client.codeActions(uri, [lodahs]);
    const replace = actions.find((a) => a.title === "Replace with 'lodash'")!;
    assert.ok(replace.isPreferred);
    const [edit] = replace.edit!.changes![uri];
    assert.strictEqual(edit.newText, 'lodash');
    assert.strictEqual(edit.range.end.character - edit.range.start.character, 'lodahs'.length, 'keeps the /merge subpath');
    assert.ok(actions.some((a) => a.title === "Allow 'lodahs' in this workspace" && a.command?.command === 'groundcheck.allowPackage'));

    const undeclared = diagnostics.find((d) => d.code === 'undeclared-dependency')!;
    const fixes = await client.codeActions(uri, [undeclared]);
    const add = fixes.find((a) => a.title.startsWith("Add 'left-pad'"))!;
    const manifestUri = Object.keys(add.edit!.changes!)[0];
    assert.ok(manifestUri.endsWith('/packages/app/package.json'));
    const manifestText = fs.readFileSync(path.join(root, 'packages/app/package.json'), 'utf8');
    const applied = applyEdits(manifestText, add.edit!.changes![manifestUri]);
    assert.strictEqual(JSON.parse(applied).dependencies['left-pad'], '^1.3.0');
    const install = fixes.find((a) => a.command?.command === 'groundcheck.openInstallTerminal')!;
    assert.deepStrictEqual(install.command!.arguments, [{ cwd: path.join(root, 'packages/app'), command: 'npm install left-pad' }]);
  });

  it('drops fixes for diagnostics of a version that has moved on', async () => {
    const file = path.join(app(), 'madeup.ts');
    const uri = client.open(file, fs.readFileSync(file, 'utf8'), 'typescript', 1);
    const { diagnostics } = await client.waitForVersion(uri, 1);
    client.change(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '// edited\n' }]);
    const actions = await client.codeActions(uri, diagnostics);
    assert.deepStrictEqual(actions, []);
  });

  it('after incremental typing, publishes for the newest version only, and never for a half-typed specifier', async () => {
    const file = path.join(app(), 'typing.ts');
    const uri = client.open(file, "import React from 'react';\n");
    await client.waitForVersion(uri, 1);
    const before = client.published.length;
    // Type `import z from 'made-up-typed-zz';` one character at a time, as an editor sends it.
    const typed = "import z from 'made-up-typed-zz';";
    let version = 1;
    for (let i = 0; i < typed.length; i++) {
      version++;
      client.change(uri, version, [{ range: { start: { line: 1, character: i }, end: { line: 1, character: i } }, text: typed[i] }]);
    }
    const final = await client.waitForVersion(uri, version);
    const after = client.published.slice(before).filter((p) => p.uri === uri);
    assert.deepStrictEqual(after.map((p) => p.version), [version], 'one publication, for the last version');
    assert.deepStrictEqual(final.diagnostics.map((d) => d.code), ['missing-package']);

    // An unterminated string is never flagged, however long the user pauses.
    version++;
    client.change(uri, version, [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: "import q from 'half-typed-made-up" }]);
    const paused = await client.waitForVersion(uri, version);
    assert.ok(!paused.diagnostics.some((d) => d.message.includes('half-typed-made-up')));
  });

  it('with auto-closed quotes, typing a name flags only the finished name, once', async () => {
    const file = path.join(app(), 'autoclose.ts');
    const uri = client.open(file, '\n');
    await client.waitForVersion(uri, 1);
    const before = client.published.length;
    // The editor inserts `''` when the quote is typed; the name is then typed between the quotes,
    // so every intermediate state ('r', 're', 'rea'...) is a closed string.
    let version = 1;
    const prefix = 'import q from ';
    for (let i = 0; i < prefix.length; i++) client.change(uri, ++version, [{ range: { start: { line: 0, character: i }, end: { line: 0, character: i } }, text: prefix[i] }]);
    client.change(uri, ++version, [{ range: { start: { line: 0, character: prefix.length }, end: { line: 0, character: prefix.length } }, text: "''" }]);
    const name = 'reac-made-up-zz';
    for (let i = 0; i < name.length; i++) {
      const at = prefix.length + 1 + i;
      client.change(uri, ++version, [{ range: { start: { line: 0, character: at }, end: { line: 0, character: at } }, text: name[i] }]);
    }
    const final = await client.waitForVersion(uri, version);
    const published = client.published.slice(before).filter((p) => p.uri === uri);
    assert.deepStrictEqual(published.map((p) => p.version), [version], 'no squiggle flickers on the partial names');
    assert.deepStrictEqual(final.diagnostics.map((d) => d.message.split(' ')[0]), ["'reac-made-up-zz'"]);
  });

  it('checks a block inserted in one edit without waiting for the debounce', async () => {
    const file = path.join(app(), 'inserted.ts');
    const uri = client.open(file, '');
    await client.waitForVersion(uri, 1);
    await client.changeSettings({ debounceMs: 5000 }); // a debounce the test would notice
    const block = "import { parse } from 'inserted-made-up-zz';\nimport React from 'react';\n\nexport const x = parse('{}');\n";
    client.change(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: block }]);
    const published = await client.waitForVersion(uri, 2, 4000);
    assert.deepStrictEqual(published.diagnostics.map((d) => d.code), ['missing-package']);
    client.changeSettings({ debounceMs: 150 });
  });

  it('applies a changed allowlist without a restart', async () => {
    const file = path.join(app(), 'allow.ts');
    const uri = client.open(file, "import a from 'allow-me-made-up-zz';\n");
    const first = await client.waitForVersion(uri, 1);
    assert.strictEqual(first.diagnostics.length, 1);
    const count = client.published.length;
    client.changeSettings({ debounceMs: 150, allow: ['allow-me-*'] });
    const next = await client.waitFor((p) => p.uri === uri && client.published.indexOf(p) >= count);
    assert.deepStrictEqual(next.diagnostics, []);
    client.changeSettings({ debounceMs: 150 });
  });

  it('survives binary junk and a huge document without crashing', async () => {
    const junk = client.open(path.join(app(), 'junk.js'), '\u0000\u0001\u0002import x from "y"', 'javascript');
    const huge = client.open(path.join(app(), 'huge.js'), 'const a = 1;\n'.repeat(300_000), 'javascript');
    assert.deepStrictEqual((await client.waitForVersion(junk, 1)).diagnostics, []);
    assert.deepStrictEqual((await client.waitForVersion(huge, 1)).diagnostics, []);
    assert.ok(!client.exited);
  });
});

function applyEdits(text: string, edits: { range: Diagnostic['range']; newText: string }[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return [...edits]
    .sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
}

describe('groundcheck-lsp --stdio with a failing registry', function () {
  this.timeout(30_000);

  it('publishes unverified hints, never missing-package, and reports a degraded status', async () => {
    const registry = await FaultyRegistry.start(() => '500');
    const root = copyFixture('monorepo');
    fs.writeFileSync(path.join(root, '.npmrc'), `registry=${registry.url}\n`);
    const client = await LspClient.start({ rootDir: root, env: isolatedEnv(root), settings: { debounceMs: 50 } });
    try {
      const file = path.join(root, 'packages/app/src/madeup.ts');
      const uri = client.open(file, fs.readFileSync(file, 'utf8'));
      const { diagnostics } = await client.waitForVersion(uri, 1);
      assert.ok(!diagnostics.some((d) => d.code === 'missing-package'));
      const unverified = diagnostics.filter((d) => d.code === 'unverified-package');
      assert.strictEqual(unverified.length, 4);
      assert.ok(unverified.every((d) => d.severity === 4 && /HTTP 500/.test(d.message)));
      const idle = await client.waitForStatus<{ degraded: boolean; unverified: number; state: string }>((s) => s.state === 'idle');
      assert.deepStrictEqual([idle.degraded, idle.unverified], [true, 4]);
    } finally {
      await client.stop();
      await registry.stop();
    }
  });
});
