import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { extractReferences, type DocumentInput } from '../../server/src/core/extract';
import { CachingExtractor, ExtractionCache } from '../../server/src/core/extract/extractionCache';
import { silentLogger } from '../../server/src/core/io';
import { memoryFileSystem } from '../support/memoryFileSystem';
import { extractJavaScript } from '../../server/src/core/extract/javascript';
import { installNamesInShell } from '../../server/src/core/extract/shellCommands';
import { lockedEntries } from '../../server/src/core/extract/lockfileEntries';
import { compareIntegrity, shasumIntegrity } from '../../server/src/core/registry/integrity';
import { ExtractPool } from '../../server/src/core/extract/extractPool';

const fixture = path.resolve(__dirname, '../../../test/fixtures/monorepo/packages/app/src/real.ts');

describe('extract (TypeScript parser)', () => {
  it('finds every kind of static and literal reference with the exact specifier range', () => {
    const text = fs.readFileSync(fixture, 'utf8');
    const { references, declaredModules } = extractJavaScript(text, fixture);
    const kinds = new Set(references.map((r) => r.kind));
    for (const k of ['import', 'export', 'import-equals', 'require', 'require-resolve', 'dynamic-import', 'import-type']) {
      assert.ok(kinds.has(k as never), `missing kind ${k}`);
    }
    const lines = text.split('\n');
    for (const ref of references) {
      const line = lines[ref.range.start.line];
      assert.strictEqual(line.slice(ref.range.start.character, ref.range.end.character), ref.specifier);
    }
    assert.ok(references.some((r) => r.specifier === 'estree' && r.typeOnly && r.kind === 'export'));
    assert.ok(references.some((r) => r.specifier === 'lodash' && r.kind === 'import-type' && r.typeOnly));
    assert.deepStrictEqual(declaredModules, ['declared-in-this-file']);
    // `require(someVariable)` is not a literal: skipped
    assert.ok(!references.some((r) => r.specifier === 'someVariable'));
  });

  it('skips a specifier whose string is still open', () => {
    const { references } = extractJavaScript("import React from 'react';\nimport x from 'reac", 'a.ts');
    assert.deepStrictEqual(references.map((r) => r.specifier), ['react']);
  });

  it('recovers references from broken code mid-edit', () => {
    const { references } = extractJavaScript("import a from 'a-pkg';\nfunction (( {\nconst b = require('b-pkg');\n}}}\nimport { c } from 'c-pkg';", 'x.js');
    assert.deepStrictEqual(references.map((r) => r.specifier).sort(), ['a-pkg', 'b-pkg', 'c-pkg']);
  });

  it('handles JSX and template-literal requires', () => {
    const { references } = extractJavaScript('const x = require(`tpl-pkg`);\nconst el = <div>{import("jsx-pkg")}</div>;', 'a.jsx');
    assert.deepStrictEqual(references.map((r) => r.specifier), ['tpl-pkg', 'jsx-pkg']);
  });

  it('refuses binary and huge documents with a reason instead of parsing them', () => {
    const binary = extractReferences({ path: '/x/a.js', text: 'abc\u0000\u0001' });
    assert.strictEqual(binary.ok, false);
    const huge = extractReferences({ path: '/x/a.js', text: 'x'.repeat(11 * 1024 * 1024) });
    assert.ok(!huge.ok && /limit/.test(huge.reason));
    assert.strictEqual(extractReferences({ path: '/x/a.py', text: 'import os' }).ok, false);
  });
});

describe('incremental parsing', () => {
  it('gives the same references as a full parse after each of many random edits', () => {
    const { IncrementalParser } = require('../../server/src/core/extract/javascript') as typeof import('../../server/src/core/extract/javascript');
    const parser = new IncrementalParser();
    let text = fs.readFileSync(fixture, 'utf8');
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pieces = ["import z from 'inc-zz';\n", "'", '"', '\n', 'require(', ')', '/*', '*/', 'x', ''];
    for (let i = 0; i < 300; i++) {
      const at = Math.floor(random() * text.length);
      const remove = Math.floor(random() * 5);
      text = text.slice(0, at) + pieces[Math.floor(random() * pieces.length)] + text.slice(at + remove);
      const incremental = extractJavaScript(text, fixture, undefined, parser);
      const full = extractJavaScript(text, fixture);
      assert.deepStrictEqual(incremental, full, `after edit ${i}`);
    }
  });
});

describe('type references outside import statements', () => {
  it('finds import() types in JSDoc and /// <reference types>, type-only, leaving Node\'s own types alone', () => {
    const text = [
      '/// <reference types="vite/client" />',
      '/// <reference types="node" />',
      "/** @type {import('made-up-jsdoc-types-zz').Config} */",
      'const config = {};',
      '/** @param {import("express").Request} req */',
      'function handler(req) { return req; }',
      'export { config, handler };',
    ].join('\n');
    const refs = extractJavaScript(text, '/p/src/config.js').references.map((r) => [r.kind, r.specifier, r.range.start.line, r.range.start.character, r.typeOnly]);
    assert.deepStrictEqual(refs, [
      ['import-type', 'made-up-jsdoc-types-zz', 2, 19, true],
      ['import-type', 'express', 4, 20, true],
      ['reference-types', 'vite/client', 0, 22, true],
    ]);
  });
});

describe('install commands in shell (tree-sitter-bash)', () => {
  it('finds the names each command installs or runs, and nothing else', async () => {
    const names = async (text: string) => (await installNamesInShell(text)).map((n) => `${n.ecosystem}:${n.name}${n.spec ? `@${n.spec}` : ''} ${text.slice(n.offset, n.offset + n.length)}`);
    assert.deepStrictEqual(await names('npm install -D express-jwt-auth-helperz lodash@^4'), ['npm:express-jwt-auth-helperz express-jwt-auth-helperz', 'npm:lodash@^4 lodash']);
    assert.deepStrictEqual(await names('cd app && npx create-next-app@latest my-app --ts'), ['npm:create-next-app@latest create-next-app'], 'npx: the package run, not its arguments');
    assert.deepStrictEqual(await names('RUN_ME=1 sudo npm i -g @scope/cli'), ['npm:@scope/cli @scope/cli']);
    assert.deepStrictEqual(await names('python3 -m pip install --upgrade --keyring-provider import "requests[socks]>=2" -r req.txt'), ['pypi:requests@>=2 requests']);
    assert.deepStrictEqual(await names('npm install ./local ../x git+https://github.com/a/b.git user/repo file:../y pkg.tgz'), [], 'paths, URLs, git and GitHub shorthands are not names');
    assert.deepStrictEqual(await names('pnpm add $PKG "$(cat list)" react'), ['npm:react react'], 'expansions are not judged');
    assert.deepStrictEqual(await names('echo npm install nope; yarn add alias@npm:real-pkg@1'), ['npm:real-pkg@1 real-pkg'], 'an echo is not a command; an alias installs its target');
    assert.deepStrictEqual(await names('uvx ruff check . && pipx run black --check'), ['pypi:ruff ruff', 'pypi:black black']);
  });
});

describe('lockfile entries', () => {
  const FIXTURES = path.resolve(__dirname, '../../../test/fixtures');
  const read = (rel: string) => fs.readFileSync(path.join(FIXTURES, rel), 'utf8');
  const written = (text: string, s: { offset: number; length: number }) => text.slice(s.offset, s.offset + s.length);

  it('reads Berry resolutions as registry versions only when they are npm: ones, at the written name', () => {
    const text = read('lockfiles/yarn-berry/yarn.lock');
    const entries = lockedEntries('yarn', text);
    assert.deepStrictEqual(entries.map((e) => [e.name, e.version, written(text, e.at)]), [['lodash', '4.17.21', 'lodash'], ['yarn-berry', undefined, 'yarn-berry']]);
    assert.ok(entries.every((e) => e.integrity === undefined), "Berry's checksum hashes its own archive, not the registry's tarball");
  });

  it('follows aliases to the published name and leaves links, workspaces and git out of registry versions', () => {
    const text = read('lockfile-registry/package-lock.json');
    const entries = lockedEntries('npm', text);
    const alias = entries.find((e) => written(text, e.at) === 'my-pad')!;
    assert.deepStrictEqual([alias.name, alias.version], ['left-pad', '1.3.0']);
    assert.ok(!entries.some((e) => e.name === 'lockfile-registry-utils'), 'a link is the workspace, not a download');
    const v1 = '{"lockfileVersion":1,"dependencies":{"a":{"version":"npm:b@2.0.0","integrity":"sha1-AAAA"},"g":{"version":"github:x/g#abc"}}}';
    assert.deepStrictEqual(lockedEntries('npm', v1).map((e) => [e.name, e.version]), [['b', '2.0.0'], ['g', undefined]]);
  });

  it('takes the sha1 after # in a yarn classic URL as the integrity when there is no integrity line', () => {
    const text = read('lockfile-registry/yarn.lock');
    const ms = lockedEntries('yarn', text).find((e) => e.name === 'ms')!;
    assert.strictEqual(ms.integrity?.value, `sha1-${Buffer.from('781094c9a8cae6cd55b165f6884f6a4723f5d743', 'hex').toString('base64')}`);
    assert.strictEqual(written(text, ms.integrity!), '781094c9a8cae6cd55b165f6884f6a4723f5d743');
  });

  it('reads uv and Poetry sources: only index entries are registry versions', () => {
    const text = read('lockfile-registry/uv.lock');
    const entries = lockedEntries('uv', text);
    assert.deepStrictEqual(entries.map((e) => [e.name, e.version, e.index?.value]), [
      ['lockfile-registry', undefined, undefined],
      ['made-up-uv-dep-zz', '0.3.1', 'https://pypi.org/simple'],
      ['pandas', '2.2.2', 'https://pypi.mirror.example.net/simple'],
      ['requests', '2.32.3', 'https://pypi.org/simple'],
    ]);
    const poetry = '[[package]]\nname = "tool"\nversion = "1.0"\n\n[package.source]\ntype = "git"\nurl = "https://github.com/x/tool.git"\n';
    assert.deepStrictEqual(lockedEntries('poetry', poetry).map((e) => [e.name, e.version]), [['tool', undefined]]);
  });
});

describe('integrity comparison', () => {
  it('compares on the strongest algorithm both name, and says nothing when they share none', () => {
    const sha1 = shasumIntegrity('781094c9a8cae6cd55b165f6884f6a4723f5d743')!;
    assert.strictEqual(compareIntegrity(sha1, ['sha512-abc=', sha1]), 'same');
    assert.strictEqual(compareIntegrity('sha512-xyz=', ['sha512-abc=', sha1]), 'different');
    assert.strictEqual(compareIntegrity(`sha512-abc= ${sha1}`, ['sha512-abc=']), 'same');
    assert.strictEqual(compareIntegrity('sha256-abc=', ['sha512-abc=']), undefined);
    assert.strictEqual(shasumIntegrity('not-hex'), undefined);
  });
});

describe('extraction in worker threads whose worker dies', function () {
  this.timeout(30_000);

  it('parses the files read ahead in this thread when no worker is left, instead of waiting for them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-dying-'));
    const pool = new ExtractPool(1, path.resolve(__dirname, '../../../test/fixtures/extract-pool/exiting-worker.js'));
    try {
      const files = ['a.ts', 'b.js'].map((f) => path.join(dir, f));
      fs.writeFileSync(files[0], "import { merge } from 'lodash';\n");
      fs.writeFileSync(files[1], "const x = require('left-pad');\n");
      pool.readAhead(files);
      for (const file of files) {
        const doc = { path: file, text: fs.readFileSync(file, 'utf8') };
        const outcome = await Promise.race([pool.extract(doc), new Promise((r) => setTimeout(() => r('hung'), 10_000))]);
        assert.deepStrictEqual(outcome, extractReferences(doc));
      }
    } finally {
      await pool.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('extraction in worker threads', function () {
  this.timeout(30_000);
  const pool = new ExtractPool(2);
  after(() => pool.close());

  it('gives what extraction in this thread gives, for every document', async () => {
    const text = fs.readFileSync(fixture, 'utf8');
    const docs = Array.from({ length: 6 }, (_, i) => ({ path: fixture.replace(/\.ts$/, `${i}.ts`), text }));
    const inWorkers = await Promise.all(docs.map((d) => pool.extract(d)));
    for (let i = 0; i < docs.length; i++) assert.deepStrictEqual(inWorkers[i], extractReferences(docs[i]));
  });

  it('rejects a document the parser cannot take with the same kind of error, and goes on with the next', async () => {
    const deep = `const x = ${'('.repeat(50_000)}1${')'.repeat(50_000)};\n`;
    await assert.rejects(pool.extract({ path: '/deep.ts', text: deep }), (e: Error) => e instanceof RangeError && /call stack/i.test(e.message));
    const after = await pool.extract({ path: '/ok.ts', text: "import x from 'left-pad';\n" });
    assert.ok(after.ok && after.references[0].specifier === 'left-pad');
  });

  it('reads ahead: a file parsed before it is asked for gives what the text asked for gives, unless the text differs', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-read-ahead-'));
    const file = path.join(dir, 'a.ts');
    fs.writeFileSync(file, "import { merge } from 'lodash';\n");
    const deep = path.join(dir, 'deep.ts');
    fs.writeFileSync(deep, `const x = ${'('.repeat(50_000)}1${')'.repeat(50_000)};\n`);
    const binary = path.join(dir, 'b.js');
    fs.writeFileSync(binary, Buffer.from([0x69, 0x6d, 0, 1, 2, 0]));
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      pool.readAhead([file, deep, binary, path.join(dir, 'absent.ts'), path.join(dir, 'never-asked.ts')]);
      const text = fs.readFileSync(file, 'utf8');
      assert.deepStrictEqual(await pool.extract({ path: file, text }), extractReferences({ path: file, text }));
      // The text the checker holds is not what the worker read (an editor's buffer, a file changed
      // since): parsed again from the text.
      const edited = "import { merge } from 'lodash';\nimport left from 'left-pad';\n";
      pool.readAhead([file]);
      const again = await pool.extract({ path: file, text: edited });
      assert.ok(again.ok && again.references.map((r) => r.specifier).join() === 'lodash,left-pad');
      // A parser failure read ahead is that document's error when it is asked for.
      await assert.rejects(pool.extract({ path: deep, text: fs.readFileSync(deep, 'utf8') }), (e: Error) => e instanceof RangeError);
      // What the worker would not parse (binary) is parsed from the text given, which says why.
      const refused = await pool.extract({ path: binary, text: 'im\u0000\u0001' });
      assert.ok(!refused.ok && /binary/.test(refused.reason));
      // (an unhandled rejection is reported once the microtasks of the turn have run)
      await new Promise((r) => setImmediate(r));
      assert.deepStrictEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('parse results kept across runs (ExtractionCache)', () => {
  const store = '/cache/derived/extracted-v2.jsonl';
  /** An extractor that counts what reaches it (what the cache did not answer). */
  const counting = () => {
    const seen: string[] = [];
    return { seen, extract: async (doc: DocumentInput) => (seen.push(doc.path), extractReferences(doc)) };
  };

  it('a second run answers an unchanged text from the file, and parses an edited one, a renamed kind or a damaged line again', async () => {
    const disk = memoryFileSystem({});
    const doc = { path: '/w/src/a.ts', text: "import { merge } from 'lodash';\nimport x from 'left-pad';\nx(merge);\n" };
    const first = counting();
    const run1 = new ExtractionCache(store, disk, silentLogger);
    assert.strictEqual(run1.has(doc), false);
    const outcome = await new CachingExtractor(run1, first).extract(doc);
    run1.flush();
    assert.deepStrictEqual(first.seen, ['/w/src/a.ts']);

    const second = counting();
    const run2 = new ExtractionCache(store, disk, silentLogger);
    const extractor = new CachingExtractor(run2, second);
    assert.ok(run2.has(doc));
    assert.deepStrictEqual(await extractor.extract(doc), outcome);
    // the same text under another name of the same kind is the same parse
    assert.deepStrictEqual(await extractor.extract({ ...doc, path: '/w/src/b.ts' }), { ...outcome });
    assert.deepStrictEqual(second.seen, []);
    // an edit, or the same text as JavaScript, as a declaration file or in a TSX buffer: parsed again
    await extractor.extract({ ...doc, text: doc.text + "import y from 'is-odd';\n" });
    await extractor.extract({ ...doc, path: '/w/src/a.js' });
    await extractor.extract({ ...doc, path: '/w/src/a.d.ts' });
    await extractor.extract({ ...doc, languageId: 'typescriptreact' });
    assert.deepStrictEqual(second.seen, ['/w/src/a.ts', '/w/src/a.js', '/w/src/a.d.ts', '/w/src/a.ts']);
    run2.flush();

    // A line torn mid-write (its key whole, its value not): that text is parsed again, the rest kept.
    const lines = disk.files()[store].trim().split('\n');
    assert.strictEqual(lines.length, 5);
    disk.writeFile(store, [lines[0].slice(0, lines[0].length - 20), ...lines.slice(1)].join('\n') + '\n');
    const third = counting();
    const run3 = new CachingExtractor(new ExtractionCache(store, disk, silentLogger), third);
    assert.deepStrictEqual(await run3.extract(doc), outcome);
    await run3.extract({ ...doc, path: '/w/src/a.js' });
    assert.deepStrictEqual(third.seen, ['/w/src/a.ts']);
  });

  it('what is not parsed (binary, too large) is not kept; a folder that cannot be written leaves a parse-every-time run', async () => {
    const disk = memoryFileSystem({});
    const cache = new ExtractionCache(store, disk, silentLogger);
    const binary = { path: '/w/b.js', text: 'im\u0000\u0001' };
    const refused = await new CachingExtractor(cache).extract(binary);
    assert.ok(!refused.ok && /binary/.test(refused.reason));
    assert.strictEqual(cache.has(binary), false);

    const warnings: string[] = [];
    const readOnly = { ...disk, writeFile: () => { throw new Error('EROFS'); }, appendFile: () => { throw new Error('EROFS'); } };
    const stuck = new ExtractionCache(store, readOnly, { ...silentLogger, warn: (m: string) => warnings.push(m) });
    const doc = { path: '/w/a.ts', text: "import x from 'left-pad';\n" };
    assert.ok((await new CachingExtractor(stuck).extract(doc)).ok);
    stuck.flush();
    stuck.flush();
    assert.strictEqual(warnings.length, 1);
    assert.match(warnings[0], /not kept.*EROFS/);
  });

  it("the older texts of edited files are dropped once they outweigh the current ones; a run over one file keeps every other file's", async () => {
    const body = Array.from({ length: 3000 }, (_, i) => `import m${i} from 'pkg-${i}';`).join('\n');
    const disk = memoryFileSystem({ '/w/big.ts': '', '/w/other.ts': '', '/w/gone.ts': '' });
    const other = { path: '/w/other.ts', text: `${body}\n// other\n` };
    const gone = { path: '/w/gone.ts', text: "import x from 'left-pad';\n" };
    const first = new ExtractionCache(store, disk, silentLogger);
    await new CachingExtractor(first).extract(other);
    await new CachingExtractor(first).extract(gone);
    first.flush();
    disk.remove('/w/gone.ts');
    // Many edits of one large file, each run checking that file only (as `--changed` does): each
    // edit is a new line (a few MB in all); other.ts, not checked in these runs, stays.
    for (let edit = 0; edit < 12; edit++) {
      const cache = new ExtractionCache(store, disk, silentLogger);
      await new CachingExtractor(cache).extract({ path: '/w/big.ts', text: `${body}\n// edit ${edit}\n` });
      cache.flush();
    }
    const lines = disk.files()[store].trim().split('\n');
    assert.ok(lines.length < 12, `${lines.length} lines kept`);
    const last = new ExtractionCache(store, disk, silentLogger);
    assert.ok(last.has({ path: '/w/big.ts', text: `${body}\n// edit 11\n` }));
    assert.ok(!last.has({ path: '/w/big.ts', text: `${body}\n// edit 0\n` }));
    assert.ok(last.has(other), 'a file no run since has checked keeps its parse');
    assert.ok(!last.has(gone), 'a file deleted since is dropped with the stale lines');
  });
});
