import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nodeFileSystem, silentLogger, systemClock } from '../../server/src/core/io';
import { PackageLookup } from '../../server/src/core/registry/lookup';
import { NpmRegistryClient } from '../../server/src/core/registry/npmRegistry';
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
