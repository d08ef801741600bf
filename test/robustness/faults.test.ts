/**
 * Registry faults from a loopback server the tests control. Under each: no "missing" for a name
 * whose lookup failed, and the lookup service backs off from the registry instead of hammering it.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nodeFileSystem, silentLogger } from '../../server/src/core/io';
import { BACKOFF_START_MS, PackageLookup } from '../../server/src/core/registry/lookup';
import { NpmRegistryClient, retryAfter } from '../../server/src/core/registry/npmRegistry';
import { loadNpmConfig } from '../../server/src/core/registry/npmrc';
import { FakeClock } from '../support/fakes';
import { FaultyRegistry, type Behaviour } from '../support/faultyRegistry';

function configFor(url: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-fault-'));
  fs.writeFileSync(path.join(dir, '.npmrc'), `registry=${url}\n`);
  const empty = path.join(dir, 'empty');
  fs.writeFileSync(empty, '');
  return loadNpmConfig({ fs: nodeFileSystem, env: { npm_config_userconfig: empty, npm_config_globalconfig: empty }, projectDir: dir, trusted: true });
}

function lookupWith(clock: FakeClock, fetchOptions?: Record<string, unknown>) {
  const client = new NpmRegistryClient({ timeoutMs: 2000, clock, fetchOptions });
  return new PackageLookup({ client, clock, logger: silentLogger });
}

describe('registry faults', function () {
  this.timeout(30_000);

  for (const [what, behaviour] of [
    ['a truncated body', 'truncate'],
    ['a connection reset', 'reset'],
  ] as [string, Behaviour][]) {
    it(`${what} gives "unverified", never "missing"`, async () => {
      const server = await FaultyRegistry.start(() => behaviour);
      try {
        const info = await lookupWith(new FakeClock()).lookup('some-package', configFor(server.url));
        assert.strictEqual(info.status, 'unverified', JSON.stringify(info));
      } finally {
        await server.stop();
      }
    });
  }

  it('a DNS failure gives "unverified" (resolved by a stub: no query leaves the machine)', async () => {
    const lookup = (_host: string, _opts: unknown, cb: (e: Error) => void) => cb(Object.assign(new Error('getaddrinfo ENOTFOUND registry.invalid'), { code: 'ENOTFOUND' }));
    const info = await lookupWith(new FakeClock(), { dns: { lookup } }).lookup('some-package', configFor('http://registry.invalid/'));
    assert.strictEqual(info.status, 'unverified');
    assert.match(info.reason ?? '', /ENOTFOUND/);
  });

  it('429 with Retry-After: no request to that registry until the time it gave', async () => {
    const server = await FaultyRegistry.start(() => ({ status: 429, body: '{"error":"slow down"}', headers: { 'retry-after': '120' } }));
    const clock = new FakeClock();
    try {
      const lookup = lookupWith(clock);
      const config = configFor(server.url);
      assert.strictEqual((await lookup.lookup('first', config)).status, 'unverified');
      const asked = server.requests.length;
      clock.t += 60_000;
      const during = await lookup.lookup('second', config);
      assert.strictEqual(during.status, 'unverified');
      assert.match(during.reason ?? '', /HTTP 429; not asking again for 60 s/);
      assert.strictEqual(server.requests.length, asked, 'nothing sent while backing off');
      assert.deepStrictEqual(lookup.degradedRegistries, [server.url]);
      clock.t += 61_000;
      await lookup.lookup('third', config);
      assert.ok(server.requests.length > asked, 'asked again once the time was up');
    } finally {
      await server.stop();
    }
  });

  it('repeated 500s: the wait doubles, and a success ends it', async () => {
    let healthy = false;
    const server = await FaultyRegistry.start(() => (healthy ? { status: 200, body: '{"name":"x","dist-tags":{"latest":"1.0.0"},"versions":{"1.0.0":{}}}' } : '500'));
    const clock = new FakeClock();
    try {
      const lookup = lookupWith(clock);
      const config = configFor(server.url);
      const allowedAfter = async (ms: number, name: string) => {
        clock.t += ms;
        const before = server.requests.length;
        await lookup.lookup(name, config);
        return server.requests.length > before;
      };
      assert.ok(await allowedAfter(0, 'a'));
      assert.ok(!(await allowedAfter(BACKOFF_START_MS / 2, 'b')), 'within the first wait');
      assert.ok(await allowedAfter(BACKOFF_START_MS, 'c'), 'after the first wait');
      assert.ok(!(await allowedAfter(BACKOFF_START_MS * 1.5, 'd')), 'the second wait is twice as long');
      healthy = true;
      assert.ok(await allowedAfter(BACKOFF_START_MS, 'e'));
      assert.strictEqual((await lookup.lookup('f', config)).status, 'exists');
      assert.deepStrictEqual(lookup.degradedRegistries, []);
    } finally {
      await server.stop();
    }
  });

  it('a registry that never answers is asked once per free slot, not once per name: the queued names are unverified at once', async () => {
    const server = await FaultyRegistry.start(() => 'stall');
    try {
      const client = new NpmRegistryClient({ timeoutMs: 500, clock: new FakeClock() });
      const lookup = new PackageLookup({ client, clock: new FakeClock(), logger: silentLogger, concurrency: 4 });
      const config = configFor(server.url);
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => lookup.lookup(`stalled-${i}`, config)));
      assert.ok(answers.length > 0, 'an empty list would pass every check');
      assert.ok(answers.every((a) => a.status === 'unverified'), JSON.stringify(answers.map((a) => a.status)));
      assert.strictEqual(new Set(server.requests).size, 4, `asked: ${server.requests.length}`);
    } finally {
      await server.stop();
    }
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-23T00:00:00Z');
    assert.strictEqual(retryAfter({ 'retry-after': ['30'] }, now), 30_000);
    assert.strictEqual(retryAfter({ 'retry-after': 'Mon, 23 Nov 2026 00:01:00 GMT' }, now), 60_000);
    assert.strictEqual(retryAfter({ 'retry-after': 'soon' }, now), undefined);
    assert.strictEqual(retryAfter(undefined, now), undefined);
  });
});
