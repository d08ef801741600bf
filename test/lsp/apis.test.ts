import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { LspClient, SERVER_BIN } from '../support/lspClient';
import { copyFixture, isolatedEnv } from '../support/workspace';
import { ExportSuggestionsRequest } from '../../shared/protocol';

const SERVERS: [string, string][] = [
  ['tsc build', SERVER_BIN],
];

for (const [label, serverBin] of SERVERS) describe(`API checks through the language server (${label})`, function () {
  this.timeout(60_000);
  let root: string;
  let client: LspClient;
  const file = (name: string) => path.join(root, 'src', name);

  before(async () => {
    root = copyFixture('api-project');
    // Installed packages and builtins need no registry: offline keeps the test off the network.
    client = await LspClient.start({ rootDir: root, env: isolatedEnv(root), settings: { debounceMs: 100, offline: true }, serverBin });
  });
  after(async () => {
    await client?.stop();
  });

  it('publishes missing-export in JavaScript, with a replace fix, and a hover with the version checked', async () => {
    const text = fs.readFileSync(file('madeup.js'), 'utf8');
    const uri = client.open(file('madeup.js'), text, 'javascript');
    const { diagnostics } = await client.waitForVersion(uri, 1);
    const lines = text.split('\n');
    const named = diagnostics.map((d) => `${d.code} ${lines[d.range.start.line].slice(d.range.start.character, d.range.end.character)}`).sort();
    assert.deepStrictEqual(named, [
      'missing-export alphaBeta',
      'missing-export deepEqual',
      'missing-export emailAddress',
      'missing-export epsilon',
      'missing-export esm',
      'missing-export fetchJson',
      'missing-export formatTime',
      'missing-export greetAll',
      'missing-export parseAsync',
      'missing-export readFileAsync',
      'missing-export stringifyPretty',
    ]);
    const readFileAsync = diagnostics.find((d) => d.message.startsWith("'readFileAsync'"))!;
    const actions = await client.codeActions(uri, [readFileAsync]);
    assert.deepStrictEqual(actions.map((a) => a.title), ["Replace with 'readFileSync'", "Replace with 'readFile'", "Replace with 'read'"]);
    assert.deepStrictEqual(actions[1].edit!.changes![uri], [{ range: readFileAsync.range, newText: 'readFile' }]);

    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 12 } });
    assert.match(hover?.contents.value ?? '', /`parseAsync` not exported by `typed-lib` 2\.1\.0 \(its bundled types\)/);
  });

  it('in TypeScript, leaves unknown exports TypeScript reports to TypeScript and serves its fix on request', async () => {
    const text = fs.readFileSync(file('madeup.ts'), 'utf8');
    const uri = client.open(file('madeup.ts'), text, 'typescript');
    const { diagnostics } = await client.waitForVersion(uri, 1);
    // Only require() destructuring, which TypeScript does not type in a .ts file, is published.
    assert.deepStrictEqual(diagnostics.map((d) => d.message.split(' ')[0]), ["'alphaBeta'"]);
    const parseAsync = { start: { line: 0, character: 9 }, end: { line: 0, character: 19 } };
    const answer = await client.connection.sendRequest(ExportSuggestionsRequest, { uri, range: parseAsync });
    assert.deepStrictEqual(answer && { version: answer.version, name: answer.name, suggestions: answer.suggestions }, { version: 1, name: 'parseAsync', suggestions: ['parse'] });
    const nothing = await client.connection.sendRequest(ExportSuggestionsRequest, { uri, range: { start: { line: 6, character: 0 }, end: { line: 6, character: 1 } } });
    assert.strictEqual(nothing, null);

    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 0 } });
    assert.strictEqual(hover, null, 'no hover away from a checked name');
  });

  it('hover on a real name shows its signature', async () => {
    const text = fs.readFileSync(file('real.js'), 'utf8');
    const uri = client.open(file('real.js'), text, 'javascript');
    const { diagnostics } = await client.waitForVersion(uri, 1);
    assert.deepStrictEqual(diagnostics, []);
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 10 } });
    assert.match(hover?.contents.value ?? '', /function parse: \(text: string\) => Record<string, unknown>[\s\S]*`parse` checked against `typed-lib` 2\.1\.0/);
  });
});
