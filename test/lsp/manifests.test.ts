/**
 * package.json is where made-up names get installed: names that do not exist, squats, and ranges
 * no release satisfies are underlined on the name or the range, with fixes (language server,
 * Verdaccio on loopback).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { LspClient } from '../support/lspClient';
import { startRegistryWorkspace, type RegistryWorkspace } from '../support/registryWorkspace';

describe('package.json dependencies (language server, Verdaccio)', function () {
  this.timeout(60_000);
  let ws: RegistryWorkspace;
  let client: LspClient;
  let root: string;

  before(async () => {
    ws = await startRegistryWorkspace('manifest-checks', [['left-pad', '1.3.0'], ['lodash', '4.17.21'], ['expresss', '1.0.0']]);
    ({ client, root } = ws);
  });
  after(async () => ws?.stop());

  it('flags made-up names, squats and impossible ranges at the right place, and skips what is not from the registry', async () => {
    const file = path.join(root, 'package.json');
    const text = fs.readFileSync(file, 'utf8');
    const uri = client.open(file, text, 'json');
    const { diagnostics } = await client.settled(uri, 1);
    const lines = text.split('\n');
    const got = diagnostics.map((d) => `${d.code} ${lines[d.range.start.line].slice(d.range.start.character, d.range.end.character)}`).sort();
    assert.deepStrictEqual(got, [
      'missing-package fast-json-parser-v2',
      'missing-package lodash-made-up-helpers-zz',
      'missing-version ^99.0.0',
      'suspicious-package expresss',
    ]);
    const version = diagnostics.find((d) => d.code === 'missing-version')!;
    assert.match(version.message, /No published version of 'lodash' satisfies \^99\.0\.0 .*the newest is 4\.17\.21/);
    const fixes = await client.codeActions(uri, [version]);
    assert.deepStrictEqual(fixes.map((f) => f.title), ["Use '^4.17.21'"]);
    assert.strictEqual(fixes[0].edit?.changes?.[uri]?.[0].newText, '^4.17.21');
    const made = diagnostics.find((d) => d.message.startsWith("'fast-json-parser-v2'"))!;
    const replace = (await client.codeActions(uri, [made])).map((f) => f.title);
    assert.ok(!replace.some((t) => /^(Install|Add)/.test(t)), replace.join(' | '));
  });
});
