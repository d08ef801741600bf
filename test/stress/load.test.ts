/**
 * 500 open documents importing 10,000 distinct names: every document gets its diagnostics, the
 * server keeps answering requests while it checks, and closing the documents releases their state.
 * (Timings and the RSS curve are measured by `npm run bench`, not asserted here.)
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { LspClient } from '../support/lspClient';
import { DOCUMENTS, IMPORTS_PER_DOCUMENT, loadDocument, loadRegistry } from '../support/load';
import { copyFixture, isolatedEnv } from '../support/workspace';
import { StatsRequest, type StatsResult } from '../../shared/protocol';

describe('load: 500 documents, 10,000 distinct names', function () {
  this.timeout(300_000);

  it('checks them all, stays responsive, and releases closed documents', async () => {
    const registry = await loadRegistry();
    const root = copyFixture('sample');
    fs.writeFileSync(path.join(root, '.npmrc'), `registry=${registry.url}\n`);
    const client = await LspClient.start({ rootDir: root, env: isolatedEnv(root), settings: { debounceMs: 50 } });
    try {
      const uris: string[] = [];
      const answered: Promise<StatsResult>[] = [];
      for (let d = 0; d < DOCUMENTS; d++) {
        uris.push(client.open(path.join(root, 'src', `load-${d}.ts`), loadDocument(d)));
        // Requests keep arriving while the checks run; every one must be answered.
        if (d % 50 === 0) answered.push(client.connection.sendRequest(StatsRequest));
      }
      const during = await Promise.all(answered);
      // Responsive means answered *while* checking, not after: some answer saw the work unfinished
      // (lookups in flight, or fewer distinct names cached than the documents import).
      assert.ok(
        during.some((s) => s.lookupsInFlight > 0 || s.registryCacheEntries < DOCUMENTS * IMPORTS_PER_DOCUMENT),
        `every stats request waited for the whole load: ${JSON.stringify(during.map((s) => [s.lookupsInFlight, s.registryCacheEntries]))}`,
      );
      for (const uri of uris) {
        const { diagnostics } = await client.waitForVersion(uri, 1, 240_000);
        assert.strictEqual(diagnostics.length, IMPORTS_PER_DOCUMENT);
        assert.strictEqual(diagnostics.filter((d) => d.code === 'missing-package').length, 2);
      }
      const busy = await client.connection.sendRequest(StatsRequest);
      assert.strictEqual(busy.openDocuments, DOCUMENTS);
      assert.strictEqual(busy.registryCacheEntries, DOCUMENTS * IMPORTS_PER_DOCUMENT, 'one cache entry per distinct name');
      assert.strictEqual(busy.networkLookups, DOCUMENTS * IMPORTS_PER_DOCUMENT, 'one request per distinct name');
      assert.strictEqual(busy.lookupsInFlight, 0);

      for (const uri of uris) client.close(uri);
      const idle = await client.connection.sendRequest(StatsRequest);
      assert.deepStrictEqual([idle.openDocuments, idle.retainedResults], [0, 0]);
      assert.deepStrictEqual(client.logs.filter((l) => /unhandled rejection|checking .* failed/.test(l)), []);
      assert.ok(!client.exited);
    } finally {
      await client.stop();
      await registry.stop();
    }
  });
});
