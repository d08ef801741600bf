/**
 * Registry documents that are huge or arrive slowly: the timeout is for a connection that stalls,
 * not for a large document still arriving, and a stall mid-document is "unverified", never "missing".
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nodeFileSystem, silentLogger, systemClock } from '../../server/src/core/io';
import { PackageLookup } from '../../server/src/core/registry/lookup';
import { NpmRegistryClient } from '../../server/src/core/registry/npmRegistry';
import { loadNpmConfig } from '../../server/src/core/registry/npmrc';
import { FaultyRegistry } from '../support/faultyRegistry';
import { runCliProcess } from '../support/cli';
import { SimpleIndex } from '../support/simpleIndex';
import { copyFixture, isolatedEnv } from '../support/workspace';

const VERSIONS = 25_000;
const PADDING = 'x'.repeat(2000);

/** A packument of about 50 MB (25,000 versions of 2 KB), in 1 MB chunks. */
function* bigPackument(): Iterator<string> {
  let buffer = `{"name":"big-doc","dist-tags":{"latest":"1.0.${VERSIONS - 1}"},"versions":{`;
  for (let i = 0; i < VERSIONS; i++) {
    buffer += `${i ? ',' : ''}"1.0.${i}":{"name":"big-doc","version":"1.0.${i}","description":"${PADDING}"}`;
    if (buffer.length > 1024 * 1024) {
      yield buffer;
      buffer = '';
    }
  }
  yield buffer + '}}';
}

function lookupAt(url: string, timeoutMs: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-large-'));
  const empty = path.join(dir, 'empty');
  fs.writeFileSync(empty, '');
  fs.writeFileSync(path.join(dir, '.npmrc'), `registry=${url}\n`);
  const config = loadNpmConfig({ fs: nodeFileSystem, env: { npm_config_userconfig: empty, npm_config_globalconfig: empty }, projectDir: dir, trusted: true });
  const client = new NpmRegistryClient({ timeoutMs, clock: systemClock });
  return { config, lookup: new PackageLookup({ client, clock: systemClock, logger: silentLogger }) };
}

describe('large and slow registry documents', function () {
  this.timeout(60_000);

  it('a 50 MB document trickled for longer than the timeout is read to the end: it exists', async () => {
    const server = await FaultyRegistry.start(() => ({ trickle: bigPackument, intervalMs: 40 }));
    try {
      const { config, lookup } = lookupAt(server.url, 1000);
      const started = Date.now();
      const info = await lookup.lookup('big-doc', config);
      const took = Date.now() - started;
      assert.deepStrictEqual([info.status, info.latest], ['exists', `1.0.${VERSIONS - 1}`], JSON.stringify(info));
      assert.ok(took > 1000, `the document took ${took} ms to arrive, longer than the 1000 ms stall timeout`);
    } finally {
      await server.stop();
    }
  });

  it('a document that stops arriving mid-way is "unverified" after the stall timeout, never "missing"', async () => {
    const server = await FaultyRegistry.start(() => 'stall-body');
    try {
      const { config, lookup } = lookupAt(server.url, 500);
      const info = await lookup.lookup('stalled-doc', config);
      assert.strictEqual(info.status, 'unverified', JSON.stringify(info));
      assert.match(info.reason ?? '', /no data for 500 ms/);
    } finally {
      await server.stop();
    }
  });
});

describe('one bad file among good ones (CLI)', function () {
  this.timeout(60_000);

  it('reports a file nested too deeply as check-failed, decodes UTF-16 and BOM files, and still reports every other file', async () => {
    const registry = await FaultyRegistry.start((p) => (p === '/left-pad' ? { status: 200, body: '{"name":"left-pad","dist-tags":{"latest":"1.3.0"},"versions":{"1.3.0":{}}}' } : { status: 404, body: '{}' }));
    try {
      const root = copyFixture('mixed-encodings');
      // 50,000 nested parentheses: more than any recursive-descent parser's stack.
      fs.writeFileSync(path.join(root, 'src', 'deep.js'), `import x from 'left-pad';\nconst v = ${'('.repeat(50_000)}1${')'.repeat(50_000)};\n`);
      const r = await runCliProcess(['check', '--format', 'json', '--no-cache', '--registry', registry.url], root, isolatedEnv(root));
      assert.strictEqual(r.code, 1, r.stderr);
      const json = JSON.parse(r.stdout) as { findings: { file: string; code: string; package: string; message: string }[]; summary: { filesFailed: number } };
      const got = json.findings.map((f) => `${f.file} ${f.code} ${f.package}`).sort();
      assert.deepStrictEqual(got, [
        'src/bom.js missing-package made-up-in-bom-file',
        'src/deep.js check-failed ',
        'src/plain.ts missing-package fast-json-parser-v2',
        'src/powershell.ts missing-package made-up-in-utf16-file',
      ]);
      assert.match(json.findings.find((f) => f.code === 'check-failed')!.message, /nested too deeply/);
      assert.strictEqual(json.summary.filesFailed, 1);
    } finally {
      await registry.stop();
    }
  });
});

describe('manifests that cannot be parsed (CLI)', function () {
  this.timeout(60_000);

  it('package.json and pyproject.toml get manifest-unreadable where they break; imports that needed them are unverified, not undeclared', async () => {
    const registry = await FaultyRegistry.start((p) =>
      ['/left-pad', '/is-odd'].includes(p) ? { status: 200, body: JSON.stringify({ name: p.slice(1), 'dist-tags': { latest: '1.0.0' }, versions: { '1.0.0': {} } }) } : { status: 404, body: '{}' },
    );
    const index = await SimpleIndex.start();
    try {
      const root = copyFixture('broken-manifests');
      const r = await runCliProcess(['check', '--format', 'json', '--no-cache', '--registry', registry.url, '--index-url', index.url], root, isolatedEnv(root));
      const json = JSON.parse(r.stdout) as { findings: { file: string; line: number; column: number; code: string; package: string; message: string }[] };
      const got = json.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.code} ${f.package}`).sort();
      assert.deepStrictEqual(got, [
        'service/app.py:1:8 unverified-package requests',
        'service/app.py:2:8 unverified-package pandas',
        'service/pyproject.toml:7:1 manifest-unreadable ',
        'web/package.json:6:5 manifest-unreadable ',
        'web/src/index.ts:1:22 unverified-package left-pad',
        'web/src/index.ts:2:20 unverified-package is-odd',
      ], r.stdout + r.stderr);
      assert.strictEqual(r.code, 1, 'a manifest that cannot be parsed is an error');
      assert.match(json.findings.find((f) => f.file === 'web/src/index.ts')!.message, /package\.json cannot be parsed .* whether it is declared is unknown/);
    } finally {
      await registry.stop();
      await index.stop();
    }
  });
});
