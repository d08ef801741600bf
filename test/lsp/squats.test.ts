/**
 * Registered near misses of popular names (published to Verdaccio, so they exist): a warning that
 * names the popular package, whose only fixes are the popular name and Allow — never Install or Add.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { LspClient } from '../support/lspClient';
import { startRegistryWorkspace, type RegistryWorkspace } from '../support/registryWorkspace';

describe('squats of popular packages (language server, Verdaccio)', function () {
  this.timeout(60_000);
  let ws: RegistryWorkspace;
  let client: LspClient;
  let root: string;

  before(async () => {
    ws = await startRegistryWorkspace('squats', ['expresss', 'loadsh', 'reactt-dom', 'left-pad'].map((n) => [n, '1.0.0'] as [string, string]));
    ({ client, root } = ws);
  });
  after(async () => ws?.stop());

  it('warns on each squat, declared or not, and offers only the popular name', async () => {
    const file = path.join(root, 'src', 'app.ts');
    const uri = client.open(file, fs.readFileSync(file, 'utf8'));
    const { diagnostics } = await client.waitForVersion(uri, 1);
    const summary = diagnostics.map((d) => `${d.code} ${d.range.start.line}`).sort();
    assert.deepStrictEqual(summary, ['suspicious-package 1', 'suspicious-package 2', 'suspicious-package 3', 'undeclared-dependency 4']);
    const express = diagnostics.find((d) => d.range.start.line === 1)!;
    assert.match(express.message, /'expresss' exists on the npm registry, but looks like a squat of 'express'/);
    for (const d of diagnostics.filter((x) => x.code === 'suspicious-package')) {
      const titles = (await client.codeActions(uri, [d])).map((a) => a.title);
      assert.ok(!titles.some((t) => /^(Install|Add)/.test(t)), titles.join(' | '));
      assert.ok(titles.some((t) => /^Replace with '(express|lodash|react-dom)'$/.test(t)), titles.join(' | '));
    }
    // A real package that is merely undeclared still gets Install and Add.
    const real = diagnostics.find((d) => d.code === 'undeclared-dependency')!;
    const realTitles = (await client.codeActions(uri, [real])).map((a) => a.title);
    assert.ok(realTitles.some((t) => t.startsWith('Install')) && realTitles.some((t) => t.startsWith('Add')), realTitles.join(' | '));
  });

  it('hovering a package name shows its card: registry facts fetched after the check, and the verdict', async () => {
    const file = path.join(root, 'src', 'app.ts');
    const uri = client.open(file, fs.readFileSync(file, 'utf8'));
    const { diagnostics } = await client.waitForVersion(uri, 1);
    const at = (line: number) => diagnostics.find((d) => d.range.start.line === line)!.range.start;
    type Hover = { contents: { value: string } } | null;
    const squat = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: at(1) });
    assert.match(squat?.contents.value ?? '', /^\*\*expresss\*\*[\s\S]*Groundcheck: flagged \(suspicious-package\): 'expresss' exists on the npm registry, but looks like a squat of 'express'/);
    // The card's registry facts come from the metadata fetched after the check: poll until they arrive.
    const deadline = Date.now() + 10_000;
    let card = '';
    while (Date.now() < deadline && !/\| Versions \| 1 \|/.test(card)) {
      card = (await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: at(4) }))?.contents.value ?? '';
      if (!/\| Versions/.test(card)) await new Promise((r) => setTimeout(r, 100)); // polling a background fetch
    }
    assert.match(card, /^\*\*left-pad\*\* · 1\.0\.0\n\ntest package left-pad/);
    assert.match(card, /\| Repository \| https:\/\/github\.com\/example\/left-pad\.git \|/);
    assert.match(card, /\| First published \| \d{4}-\d{2}-\d{2} \|/);
    assert.match(card, /\| Install scripts \| none \|/);
    assert.match(card, /\| Popularity \| about [\d,]+ downloads a month/);
    assert.match(card, /Groundcheck: flagged \(undeclared-dependency\)/);
  });
});
