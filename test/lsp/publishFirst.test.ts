/**
 * The editor never waits for the slowest download: package verdicts are published as soon as they
 * are known, and the API verdicts that need a tarball follow for the same document version.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { FaultyRegistry } from '../support/faultyRegistry';
import { LspClient } from '../support/lspClient';
import { copyFixture, isolatedEnv } from '../support/workspace';

describe('package verdicts before a stalled tarball (language server)', function () {
  this.timeout(60_000);

  it('underlines a made-up import while an unrelated tarball is still stalled, then publishes again for the same version', async () => {
    let registry: FaultyRegistry | undefined;
    registry = await FaultyRegistry.start((p) => {
      if (p === '/widget-kit') {
        const tarball = `${registry!.url}widget-kit/-/widget-kit-1.0.0.tgz`;
        return { status: 200, body: JSON.stringify({ name: 'widget-kit', 'dist-tags': { latest: '1.0.0' }, versions: { '1.0.0': { name: 'widget-kit', version: '1.0.0', dist: { tarball } } } }) };
      }
      if (p.endsWith('.tgz')) return 'stall';
      return { status: 404, body: '{}' };
    });
    const root = copyFixture('slow-tarball');
    fs.writeFileSync(path.join(root, '.npmrc'), `registry=${registry.url}\n`);
    const client = await LspClient.start({ rootDir: root, env: isolatedEnv(root), initializationOptions: { cacheDir: path.join(root, '.cache'), timeoutMs: 1000 } });
    try {
      const file = path.join(root, 'src', 'app.ts');
      const uri = client.open(file, fs.readFileSync(file, 'utf8'));
      const first = await client.waitFor((p) => p.uri === uri && p.version === 1);
      assert.deepStrictEqual(first.diagnostics.map((d) => d.code), ['missing-package']);
      // The API check gives up on the stalled tarball (unverified: no finding) and publishes again:
      // so the first publication came before the tarball's fate was known.
      const second = await client.waitFor((p) => p.uri === uri && p.version === 1 && p !== first, 20_000, false);
      assert.deepStrictEqual(second.diagnostics.map((d) => d.code), ['missing-package']);
      assert.ok(registry.requests.some((r) => r.endsWith('.tgz')), 'the tarball was asked for (and never answered)');
    } finally {
      await client.stop();
      await registry.stop();
    }
  });
});
