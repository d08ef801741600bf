/**
 * Random incremental edits over LSP: half-typed imports, unterminated strings, huge lines, binary
 * junk, large pastes, deletions. The server must never crash, never leave an unhandled rejection,
 * always answer, and the last diagnostics it publishes must belong to the last version.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { LspClient } from '../support/lspClient';
import { FaultyRegistry } from '../support/faultyRegistry';
import { copyFixture, isolatedEnv } from '../support/workspace';

interface Edit {
  at: number; // fraction of the document length where the edit starts
  remove: number; // characters removed
  insert: string;
}

const fragments = fc.oneof(
  fc.constantFrom("import x from '", "import x from 'rea", "import { a } from 'lodahs", "require('", "import('", "export * from '@sc", "'", '"', '`', ';\n', '\n', '}', '{', '/*', '*/', '//'),
  fc.constantFrom("import React from 'react';\n", "import { parse } from 'fuzz-made-up-zz';\n", "const p = require('node:path');\n", "import type { T } from '@types/x';\n"),
  fc.string({ maxLength: 40 }),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('latin1')), // binary junk, NULs included
  fc.constant('x'.repeat(200_000)), // a huge line
  fc.constant("import a from 'made-up-block-zz';\n".repeat(2_000)), // a large paste
);

const editArb: fc.Arbitrary<Edit> = fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), remove: fc.nat({ max: 50 }), insert: fragments });

/** Applies an edit to text, returning the LSP change and the new text. */
function apply(text: string, e: Edit) {
  const start = Math.floor(e.at * text.length);
  const end = Math.min(text.length, start + e.remove);
  const pos = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length - 1;
    return { line, character: offset - (before.lastIndexOf('\n') + 1) };
  };
  const change = { range: { start: pos(start), end: pos(end) }, text: e.insert };
  return { change, next: text.slice(0, start) + e.insert + text.slice(end) };
}

describe('fuzzing the server with random edits', function () {
  this.timeout(180_000);
  let registry: FaultyRegistry;
  let client: LspClient;
  let root: string;

  before(async () => {
    registry = await FaultyRegistry.start(() => ({ status: 404, body: '{"error":"Not found"}' }));
    root = copyFixture('sample');
    fs.writeFileSync(path.join(root, '.npmrc'), `registry=${registry.url}\n`);
    client = await LspClient.start({ rootDir: root, env: isolatedEnv(root), settings: { debounceMs: 20 } });
  });
  after(async () => {
    await client?.stop();
    await registry?.stop();
  });

  it('stays up and publishes for the last version after any sequence of edits', async () => {
    let doc = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(editArb, { minLength: 1, maxLength: 25 }), async (edits) => {
        const file = path.join(root, 'src', `fuzz-${doc++}.ts`);
        let text = "import express from 'express';\n";
        const uri = client.open(file, text);
        let version = 1;
        for (const e of edits) {
          const { change, next } = apply(text, e);
          text = next;
          client.change(uri, ++version, [change]);
        }
        const last = await client.waitForVersion(uri, version, 20_000);
        // Nothing for this document may arrive after the last version's diagnostics.
        const later = client.published.filter((p) => p.uri === uri && p.at > last.at);
        assert.deepStrictEqual(later.map((p) => p.version), []);
        const lines = text.split('\n');
        for (const d of last.diagnostics) {
          assert.ok(d.range.start.line < lines.length && d.range.end.character <= lines[d.range.end.line].length, 'ranges lie inside the document');
        }
        client.close(uri);
        assert.ok(!client.exited, 'the server is still running');
      }),
      { numRuns: 40, seed: Number(process.env.FUZZ_SEED ?? 20261123), endOnFailure: true },
    );
    assert.deepStrictEqual(client.logs.filter((l) => /unhandled rejection|checking .* failed/.test(l)), []);
  });

  it('answers a request promptly after the storm', async () => {
    const uri = client.open(path.join(root, 'src', 'after.ts'), "import q from 'after-storm-made-up-zz';\n");
    const { diagnostics } = await client.waitForVersion(uri, 1);
    assert.deepStrictEqual(diagnostics.map((d) => d.code), ['missing-package']);
  });
});
