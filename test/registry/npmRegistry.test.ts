import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nodeFileSystem, silentLogger, systemClock } from '../../server/src/core/io';
import { PackageLookup } from '../../server/src/core/registry/lookup';
import { NpmRegistryClient, reduceFullDocument, reducePackument, StallTimer, summarizeMetadata } from '../../server/src/core/registry/npmRegistry';
import { Readable } from 'stream';
import { once } from 'events';
import { loadNpmConfig, type NpmConfig } from '../../server/src/core/registry/npmrc';
import { FaultyRegistry } from '../support/faultyRegistry';
import { Verdaccio } from '../support/verdaccio';

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A project whose .npmrc says what the test wants; user and global npmrc are empty files. */
function projectConfig(npmrc: string, trusted = true): NpmConfig {
  const dir = tmp('gc-project-');
  fs.writeFileSync(path.join(dir, '.npmrc'), npmrc);
  fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"p"}');
  const empty = path.join(dir, 'empty-npmrc');
  fs.writeFileSync(empty, '');
  return loadNpmConfig({ fs: nodeFileSystem, env: { npm_config_userconfig: empty, npm_config_globalconfig: empty }, projectDir: dir, trusted });
}

function newLookup(cacheDir?: string, timeoutMs = 3000) {
  const client = new NpmRegistryClient({ timeoutMs, clock: systemClock });
  return new PackageLookup({ client, clock: systemClock, logger: silentLogger, cacheDir });
}

describe('npm registry lookups against Verdaccio on loopback', function () {
  this.timeout(60_000);
  let registry: Verdaccio;
  let privateRegistry: Verdaccio;

  before(async () => {
    [registry, privateRegistry] = await Promise.all([Verdaccio.start(), Verdaccio.start({ privatePattern: '@corp/*' })]);
    await registry.publish('real-package', '1.2.3');
    await registry.publish('@public-scope/thing', '2.0.0');
    await privateRegistry.publish('@corp/internal-lib', '0.4.0');
    await registry.publish('removed-malware', '0.0.1-security');
  });
  after(async () => {
    await Promise.all([registry?.stop(), privateRegistry?.stop()]);
  });

  it('finds a published package with its latest version, and says missing for an unpublished name', async () => {
    const config = projectConfig(`registry=${registry.url}\n`);
    const lookup = newLookup();
    const [real, scoped, fake] = await Promise.all([
      lookup.lookup('real-package', config),
      lookup.lookup('@public-scope/thing', config),
      lookup.lookup('fast-json-parser-v2', config),
    ]);
    assert.deepStrictEqual([real.status, real.latest, real.registry], ['exists', '1.2.3', registry.url]);
    assert.deepStrictEqual([scoped.status, scoped.latest], ['exists', '2.0.0']);
    assert.deepStrictEqual([fake.status, fake.registry], ['missing', registry.url]);
  });

  it('treats a security placeholder as not installable', async () => {
    const info = await newLookup().lookup('removed-malware', projectConfig(`registry=${registry.url}\n`));
    assert.strictEqual(info.status, 'missing');
    assert.match(info.note ?? '', /security placeholder/);
  });

  it('asks the scoped registry of .npmrc, with its auth token, for a scoped name', async () => {
    const config = projectConfig(`registry=${registry.url}\n@corp:registry=${privateRegistry.url}\n${privateRegistry.authLine}\n`);
    const info = await newLookup().lookup('@corp/internal-lib', config);
    assert.deepStrictEqual([info.status, info.latest, info.registry], ['exists', '0.4.0', privateRegistry.url]);
  });

  it('without the token the private registry refuses: unverified, not missing', async () => {
    const config = projectConfig(`registry=${registry.url}\n@corp:registry=${privateRegistry.url}\n`);
    const info = await newLookup().lookup('@corp/internal-lib', config);
    assert.strictEqual(info.status, 'unverified');
    assert.match(info.reason ?? '', /HTTP 40[13]/);
  });

  it('untrusted, keeps the project .npmrc registry lines but not its token: the private registry is unverified, never missing', async () => {
    const config = projectConfig(`registry=${registry.url}\n@corp:registry=${privateRegistry.url}\n${privateRegistry.authLine}\n`, false);
    assert.strictEqual(config.options.registry, registry.url);
    assert.ok(!Object.keys(config.options).some((k) => k.includes('_authToken')), 'no credential from an untrusted project');
    const lookup = newLookup();
    const [secret, made] = await Promise.all([lookup.lookup('@corp/internal-lib', config), lookup.lookup('@corp/never-published-zz', config)]);
    for (const info of [secret, made]) {
      assert.strictEqual(info.status, 'unverified');
      assert.match(info.reason ?? '', /credentials .* not used because the project is not trusted/);
    }
    // Trusted, the same file's token is used.
    const trusted = projectConfig(`@corp:registry=${privateRegistry.url}\n${privateRegistry.authLine}\n`, true);
    assert.strictEqual((await newLookup().lookup('@corp/internal-lib', trusted)).status, 'exists');
  });

  it('answers from the disk cache after a restart, with the registry gone', async () => {
    const cacheDir = tmp('gc-cache-');
    const config = projectConfig(`registry=${registry.url}\n`);
    const first = newLookup(cacheDir);
    assert.strictEqual((await first.lookup('real-package', config)).status, 'exists');
    assert.strictEqual((await first.lookup('never-published-zz', config)).status, 'missing');
    first.flush();

    // A new process: same cache directory, and the registry it would ask is now a dead port.
    const dead = await FaultyRegistry.start(() => '500');
    const second = newLookup(cacheDir);
    const cached = await second.lookup('real-package', config);
    const cachedMissing = await second.lookup('never-published-zz', config);
    await dead.stop();
    assert.deepStrictEqual([cached.status, cached.source, cached.latest], ['exists', 'cache', '1.2.3']);
    assert.deepStrictEqual([cachedMissing.status, cachedMissing.source], ['missing', 'cache']);
    assert.strictEqual(second.stats.network, 0);
  });

  it('rebuilds a damaged disk cache without losing the intact entries', async () => {
    const cacheDir = tmp('gc-cache-');
    const config = projectConfig(`registry=${registry.url}\n`);
    const first = newLookup(cacheDir);
    await first.lookup('real-package', config);
    first.flush();
    const file = path.join(cacheDir, 'npm-registry.jsonl');
    fs.appendFileSync(file, '{"k": "half-written", "v": {"na');
    const second = newLookup(cacheDir);
    const info = await second.lookup('real-package', config);
    assert.strictEqual(info.source, 'cache');
    assert.ok(fs.readFileSync(file, 'utf8').split('\n').every((l) => l === '' || JSON.parse(l)));
  });
});

describe('npm registry faults', function () {
  this.timeout(30_000);

  const faults: [string, () => import('../support/faultyRegistry').Behaviour][] = [
    ['stalls past the timeout', () => 'stall'],
    ['answers 500', () => '500'],
    ['answers malformed JSON', () => 'malformed'],
    ['answers 429', () => ({ status: 429, body: '{"error":"rate limited"}' })],
    ['answers 200 with a body that is not a packument', () => ({ status: 200, body: '"just a string"' })],
  ];
  for (const [what, behaviour] of faults) {
    it(`a registry that ${what} gives "unverified", never "missing"`, async () => {
      const server = await FaultyRegistry.start(behaviour);
      try {
        const info = await newLookup(undefined, 1500).lookup('some-package', projectConfig(`registry=${server.url}\n`));
        assert.strictEqual(info.status, 'unverified', JSON.stringify(info));
        assert.ok(info.reason, 'a reason is given');
        assert.ok(server.requests.length >= 1);
      } finally {
        await server.stop();
      }
    });
  }

  it('a registry that refuses connections gives "unverified"', async () => {
    const server = await FaultyRegistry.start(() => '500');
    const url = server.url;
    await server.stop();
    const info = await newLookup(undefined, 1500).lookup('some-package', projectConfig(`registry=${url}\n`));
    assert.strictEqual(info.status, 'unverified');
  });
});

describe('registry documents parsed whole or streamed', () => {
  /** A full document; `padding` readme characters push it past the size that is parsed whole. */
  const documentText = (padding: number) => JSON.stringify({
    name: 'pkg',
    'dist-tags': { latest: '2.0.0', next: '3.0.0-rc.1' },
    time: { created: '2020-01-01T00:00:00.000Z', '1.0.0': '2020-01-01T00:00:00.000Z', '2.0.0': '2021-06-01T00:00:00.000Z', '3.0.0-rc.1': '2022-01-01T00:00:00.000Z' },
    description: 'top',
    repository: { type: 'git', url: 'git+https://example.test/pkg.git' },
    readme: 'x'.repeat(padding),
    versions: {
      '1.0.0': { version: '1.0.0', license: 'MIT', dist: { tarball: 'https://r.test/pkg-1.0.0.tgz', shasum: 'abc' } },
      '2.0.0': { version: '2.0.0', license: { type: 'ISC' }, scripts: { postinstall: 'node x.js', test: 'mocha' }, deprecated: 'use 3', dist: { tarball: 'https://r.test/pkg-2.0.0.tgz', integrity: 'sha512-xyz' } },
      '3.0.0-rc.1': { version: '3.0.0-rc.1', hasInstallScript: true, dist: { tarball: 'https://r.test/pkg-3.0.0-rc.1.tgz' } },
    },
  });
  /** In chunks of 64 KiB, as a socket delivers a body. */
  const body = (text: string) => Readable.from((function* () {
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += 65536) yield bytes.subarray(i, i + 65536);
  })());

  it('a small document and one over a megabyte give the same reduced packument and metadata', async () => {
    const small = documentText(10);
    const large = documentText(3 * 1024 * 1024);
    assert.ok(small.length < 1024 * 1024 && large.length > 1024 * 1024);
    const packuments = [await reducePackument(body(small)), await reducePackument(body(large))];
    assert.deepStrictEqual(packuments[0], packuments[1]);
    assert.deepStrictEqual(packuments[0].versions, ['1.0.0', '2.0.0', '3.0.0-rc.1']);
    assert.deepStrictEqual(packuments[0].dist.get('2.0.0'), { tarball: 'https://r.test/pkg-2.0.0.tgz', integrity: 'sha512-xyz', shasum: undefined });
    const full = [await reduceFullDocument(body(small)), await reduceFullDocument(body(large))];
    assert.deepStrictEqual(full[0], full[1]);
    const meta = summarizeMetadata(full[0], 'pkg', 'https://r.test/', 0);
    assert.deepStrictEqual(
      { latest: meta.latest, license: meta.license, repository: meta.repository, installScripts: meta.installScripts, deprecated: meta.deprecated, versionCount: meta.versionCount },
      { latest: '2.0.0', license: 'ISC', repository: 'git+https://example.test/pkg.git', installScripts: ['postinstall'], deprecated: 'use 3', versionCount: 3 },
    );
    assert.deepStrictEqual(full[0].versions.get('3.0.0-rc.1')?.installScripts, ['install']);
  });

  it('a reply cut short or not JSON throws ETRUNCATED / EMALFORMED, small or large', async () => {
    for (const text of [documentText(10), documentText(3 * 1024 * 1024)]) {
      await assert.rejects(reducePackument(body(text.slice(0, text.length - 40))), (e: { code?: string }) => e.code === 'ETRUNCATED');
      await assert.rejects(reducePackument(body(`<html>${text}`)), (e: { code?: string }) => e.code === 'EMALFORMED');
    }
  });
});

describe('the stall timer of a registry request', () => {
  const busyFor = (ms: number) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      // this thread is busy (a table build, a parse): no socket is read meanwhile
    }
  };

  it('counts bytes that arrived while this thread was busy past the timeout, and gives up on a connection that is quiet', async () => {
    // The bytes' arrival: an I/O completion that is read in the same turn of the loop as the timer fires.
    const busy = new StallTimer(100);
    fs.stat(__filename, () => busy.touch());
    busyFor(150);
    // The next turn of the loop: the late timer, then the completion, then the timer's decision
    // (an immediate); an immediate queued from one queued now runs after that decision.
    await new Promise((r) => setImmediate(() => setImmediate(r)));
    assert.strictEqual(busy.stalled, false);
    assert.strictEqual(busy.signal.aborted, false);
    busy.dispose();

    const quiet = new StallTimer(100);
    await once(quiet.signal, 'abort');
    assert.strictEqual(quiet.stalled, true);
    assert.match(String((quiet.signal.reason as Error).message), /no data for 100 ms/);
    quiet.dispose();
  });
});

describe('registry documents kept for the run', () => {
  it('serve the same request again without asking, but never a configuration that keeps the name private', async () => {
    const server = await FaultyRegistry.start(() => ({ status: 200, body: JSON.stringify({ name: '@acme/x', 'dist-tags': { latest: '1.0.0' }, versions: { '1.0.0': { dist: { tarball: 'http://127.0.0.1/x.tgz' } } } }) }));
    try {
      const config = (privateScopes: string[]): NpmConfig => ({ options: { registry: server.url }, sources: [], privateScopes, withheldCredentials: [], ignoredProjectKeys: [] });
      const client = new NpmRegistryClient({ timeoutMs: 3000, clock: systemClock });
      const open = config([]);
      assert.deepStrictEqual((await client.packument('@acme/x', open)).versions, ['1.0.0']);
      assert.deepStrictEqual((await client.packument('@acme/x', config([]))).versions, ['1.0.0']);
      assert.strictEqual(server.requests.length, 1);
      await assert.rejects(client.packument('@acme/x', config(['@acme'])), (e: { code?: string }) => e.code === 'EPRIVATE');
      assert.strictEqual(server.requests.length, 1);
    } finally {
      await server.stop();
    }
  });
});
