/**
 * Lockfiles in the editor: a package-lock.json opened against Verdaccio on loopback gets the same
 * findings as the CLI gives, at the same places (a name never published, a version the registry
 * does not have, an integrity that is not the registry's), and no fix that would edit the entry.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { LspClient } from '../support/lspClient';
import { LOCKFILE_REGISTRY_PACKAGES, startRegistryWorkspace, type RegistryWorkspace } from '../support/registryWorkspace';

describe('lockfiles (language server, Verdaccio)', function () {
  this.timeout(60_000);
  let ws: RegistryWorkspace;
  let client: LspClient;
  let root: string;

  before(async () => {
    ws = await startRegistryWorkspace('lockfile-registry', LOCKFILE_REGISTRY_PACKAGES);
    ({ client, root } = ws);
  });
  after(async () => ws?.stop());

  it('underlines made-up names, missing versions and foreign integrities in package-lock.json', async () => {
    const file = path.join(root, 'package-lock.json');
    const text = fs.readFileSync(file, 'utf8');
    const uri = client.open(file, text, 'json');
    const { diagnostics } = await client.settled(uri, 1);
    const lines = text.split('\n');
    const got = diagnostics.map((d) => `${d.code} ${d.range.start.line + 1} ${lines[d.range.start.line].slice(d.range.start.character, d.range.end.character).slice(0, 20)}`).sort();
    assert.deepStrictEqual(got, [
      'lockfile-integrity 20 sha512-6FlzubTLZG3J2',
      'missing-package 27 fast-json-parser-v2',
      'missing-version 22 zod',
    ]);
    const integrity = diagnostics.find((d) => d.code === 'lockfile-integrity')!;
    const titles = (await client.codeActions(uri, [integrity])).map((a) => a.title);
    assert.ok(!titles.some((t) => /^(Replace|Install|Add)/.test(t)), titles.join(' | '));
  });
});
