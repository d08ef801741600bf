import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { URI } from 'vscode-uri';
import { LspClient, pathToUri, SERVER_BIN, type Diagnostic } from '../support/lspClient';
import { SimpleIndex } from '../support/simpleIndex';
import { FaultyRegistry } from '../support/faultyRegistry';
import { copyFixture, isolatedEnv } from '../support/workspace';

function summary(text: string, diagnostics: Diagnostic[]): string[] {
  const lines = text.split('\n');
  return diagnostics
    .map((d) => `${d.range.start.line + 1} ${d.code} ${['', 'error', 'warning', 'info', 'hint'][d.severity ?? 0]} ${lines[d.range.start.line].slice(d.range.start.character, d.range.end.character)}`)
    .sort();
}

// (the bundled server: bundle.test.ts)
for (const [label, serverBin] of [['tsc build', SERVER_BIN]]) describe(`groundcheck-lsp --stdio on Python (${label})`, function () {
  this.timeout(60_000);
  let index: SimpleIndex;
  let root: string;
  let client: LspClient;

  before(async () => {
    index = await SimpleIndex.start();
    root = copyFixture('python-app');
    client = await LspClient.start({ rootDir: root, env: isolatedEnv(root), settings: { debounceMs: 50, python: { indexUrl: index.url } }, serverBin });
  });
  after(async () => {
    await client?.stop();
    await index?.stop();
  });

  it('flags made-up imports (at most a hint inside try/except ImportError) and an undeclared real one, nothing else', async () => {
    const file = path.join(root, 'app/main.py');
    const text = fs.readFileSync(file, 'utf8');
    const { diagnostics } = await client.waitForVersion(client.open(file, text, 'python'), 1);
    assert.deepStrictEqual(summary(text, diagnostics), [
      '22 undeclared-dependency warning pandas',
      '23 missing-package error fastapi_utils_v3',
      '26 missing-package hint pandas_advanced_transform',
      '32 missing-package error made_up_plugin_loader',
    ]);
    const made = diagnostics.find((d) => d.message.startsWith("'fastapi_utils_v3'"))!;
    assert.ok(made.message.includes(index.url), 'names the index that was asked');
    assert.match(made.message, /Did you mean 'fastapi-utils'/);
  });

  it('checks requirements.txt and pyproject.toml: made-up names and versions that were never released', async () => {
    for (const [rel, expected] of [
      ['requirements.txt', ['4 missing-version error fastapi', '8 missing-package error fastapi-utils-v3']],
      ['pyproject.toml', ['7 missing-package error httpx-retry-pro', '8 missing-version error numpy']],
    ] as const) {
      const file = path.join(root, rel);
      const text = fs.readFileSync(file, 'utf8');
      const { diagnostics } = await client.waitForVersion(client.open(file, text, rel.endsWith('.toml') ? 'toml' : 'pip-requirements'), 1);
      assert.deepStrictEqual(summary(text, diagnostics), expected);
    }
    const requirements = client.published.find((p) => p.uri.endsWith('requirements.txt'))!;
    const pin = requirements.diagnostics.find((d) => d.code === 'missing-version')!;
    assert.match(pin.message, /the newest is 0\.115\.6/);
    // The fix pins the newest release in place of the specifier, leaving the name.
    const fixes = await client.codeActions(requirements.uri, [pin]);
    const use = fixes.find((f) => f.title === "Use '==0.115.6'");
    assert.ok(use, fixes.map((f) => f.title).join(' | '));
    const edit = use.edit!.changes![requirements.uri][0];
    assert.deepStrictEqual([edit.range.start.character, edit.range.end.character, edit.newText], ['fastapi'.length, 'fastapi==0.999.0'.length, '==0.115.6']);
    // (each test opens what it needs: nothing stays open for the next one)
    for (const rel of ['requirements.txt', 'pyproject.toml']) client.close(pathToUri(path.join(root, rel)));
  });

  it('checks notebook cells, resolving imports from the notebook folder', async () => {
    const notebook = path.join(root, 'analysis.ipynb');
    const cells = (JSON.parse(fs.readFileSync(notebook, 'utf8')) as { cells: { cell_type: string; source: string[] }[] }).cells.filter((c) => c.cell_type === 'code');
    const uris = cells.map((cell, i) => {
      const uri = URI.from({ scheme: 'vscode-notebook-cell', path: notebook, fragment: `W${i}sZmlsZQ==` }).toString();
      void client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: cell.source.join('') } });
      return uri;
    });
    const first = await client.waitForVersion(uris[0], 1);
    const second = await client.waitForVersion(uris[1], 1);
    assert.deepStrictEqual(summary(cells[0].source.join(''), first.diagnostics), ['2 missing-package error pandas_magic_helpers']);
    assert.deepStrictEqual(second.diagnostics, [], 'sklearn and yaml are installed in the project environment');
  });

  it('offers fixes: the closest real import, add to pyproject.toml, install with the environment\'s pip', async () => {
    const file = path.join(root, 'app/main.py');
    const text = fs.readFileSync(file, 'utf8');
    const uri = client.open(file, text, 'python', 5);
    const { diagnostics } = await client.waitForVersion(uri, 5);
    const made = diagnostics.find((d) => d.message.startsWith("'fastapi_utils_v3'"))!;
    const replace = (await client.codeActions(uri, [made])).find((a) => a.title.startsWith('Replace'))!;
    assert.strictEqual(replace.title, "Replace with 'fastapi_utils'");
    const undeclared = diagnostics.find((d) => d.code === 'undeclared-dependency')!;
    const fixes = await client.codeActions(uri, [undeclared]);
    const add = fixes.find((a) => a.title === "Add 'pandas' to pyproject.toml")!;
    // pyproject.toml is not open in the editor: a plain edit of the file on disk
    assert.strictEqual(add.edit!.documentChanges, undefined);
    const [[manifestUri, edits]] = Object.entries(add.edit!.changes!) as [string, { range: Diagnostic['range']; newText: string }[]][];
    assert.ok(manifestUri.endsWith('/pyproject.toml'), manifestUri);
    const [edit] = edits;
    assert.strictEqual(edit.newText, '\n    "pandas>=2.2.3",');
    assert.strictEqual(edit.range.start.line, 4, 'right after `dependencies = [`');
    const install = fixes.find((a) => a.command?.command === 'groundcheck.openInstallTerminal')!;
    assert.deepStrictEqual(install.command!.arguments, [{ cwd: root, command: `${path.join(root, '.venv', 'bin', 'python')} -m pip install pandas` }]);

    // Once pyproject.toml is open, the edit is versioned against the open document.
    const pyproject = path.join(root, 'pyproject.toml');
    client.open(pyproject, fs.readFileSync(pyproject, 'utf8'), 'toml', 7);
    await client.waitForVersion(pathToUri(pyproject), 7);
    const reopened = (await client.codeActions(uri, [undeclared])).find((a) => a.title === "Add 'pandas' to pyproject.toml")!;
    const [versioned] = reopened.edit!.documentChanges as { textDocument: { uri: string; version: number | null } }[];
    assert.strictEqual(versioned.textDocument.version, 7);
    client.close(pathToUri(pyproject));
  });
});

describe('groundcheck-lsp --stdio on Python with a failing index', function () {
  this.timeout(30_000);
  it('says unverified, never missing', async () => {
    const index = await FaultyRegistry.start(() => '500');
    const root = copyFixture('python-app');
    const client = await LspClient.start({ rootDir: root, env: isolatedEnv(root), settings: { debounceMs: 50, python: { indexUrl: `${index.url}simple/` } } });
    try {
      const file = path.join(root, 'app/main.py');
      const { diagnostics } = await client.waitForVersion(client.open(file, fs.readFileSync(file, 'utf8'), 'python'), 1);
      assert.ok(!diagnostics.some((d) => d.code === 'missing-package'));
      assert.strictEqual(diagnostics.filter((d) => d.code === 'unverified-package').length, 3);
      // pandas is known to exist from the bundled snapshot even while the index is down
      const undeclared = diagnostics.filter((d) => d.code === 'undeclared-dependency');
      assert.ok(undeclared.length > 0, 'an empty list would pass every check');
      assert.ok(undeclared.every((d) => /snapshot/.test(d.message)), JSON.stringify(undeclared.map((d) => d.message)));
    } finally {
      await client.stop();
      await index.stop();
    }
  });
});
