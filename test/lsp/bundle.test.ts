/**
 * The bundled language server (dist/server.js, what the .vsix runs) as a smoke test: it starts,
 * registers its watchers, and publishes the same findings as the tsc build for a TypeScript and a
 * Python file. The full LSP suites run against the tsc build (server.test.ts, python.test.ts).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { BUNDLED_SERVER, LspClient } from '../support/lspClient';
import { Verdaccio } from '../support/verdaccio';
import { SimpleIndex } from '../support/simpleIndex';
import { copyFixture, isolatedEnv } from '../support/workspace';

describe('the bundled server (dist/server.js)', function () {
  this.timeout(60_000);

  it('publishes npm findings and registers its watchers', async () => {
    assert.ok(fs.existsSync(BUNDLED_SERVER), `${BUNDLED_SERVER} is missing: run npm run build`);
    const registry = await Verdaccio.start();
    const root = copyFixture('monorepo');
    let client: LspClient | undefined;
    try {
      await Promise.all([registry.publish('left-pad', '1.3.0'), registry.publish('declared-not-installed', '1.0.0'), registry.publish('lodash', '4.17.21')]);
      fs.writeFileSync(path.join(root, '.npmrc'), `registry=${registry.url}\n`);
      client = await LspClient.start({ rootDir: root, env: isolatedEnv(root), settings: { debounceMs: 50 }, serverBin: BUNDLED_SERVER });
      const watch = await client.waitForRegistration('workspace/didChangeWatchedFiles');
      assert.ok((watch?.registerOptions?.watchers?.length ?? 0) > 0);
      const file = path.join(root, 'packages/app/src/madeup.ts');
      const { diagnostics } = await client.waitForVersion(client.open(file, fs.readFileSync(file, 'utf8')), 1);
      assert.deepStrictEqual(diagnostics.map((d) => `${d.code}`).sort(), ['missing-package', 'missing-package', 'missing-package', 'missing-package', 'undeclared-dependency']);
    } finally {
      await client?.stop();
      await registry.stop();
    }
  });

  it('publishes Python findings (the tree-sitter wasm travels with the bundle)', async () => {
    const index = await SimpleIndex.start();
    const root = copyFixture('python-app');
    let client: LspClient | undefined;
    try {
      client = await LspClient.start({ rootDir: root, env: isolatedEnv(root), settings: { debounceMs: 50, python: { indexUrl: index.url } }, serverBin: BUNDLED_SERVER });
      const file = path.join(root, 'app/main.py');
      const { diagnostics } = await client.waitForVersion(client.open(file, fs.readFileSync(file, 'utf8'), 'python'), 1);
      assert.deepStrictEqual(diagnostics.map((d) => `${d.range.start.line + 1} ${d.code}`).sort(), ['22 undeclared-dependency', '23 missing-package', '26 missing-package', '32 missing-package']);
    } finally {
      await client?.stop();
      await index.stop();
    }
  });
});
