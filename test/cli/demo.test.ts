/**
 * `npm run demo` on the tour, as a new user would run it, but with the public registry and PyPI
 * unreachable (tests never use them): it falls back to loopback registries, says so, and shows
 * every kind of finding the tour holds, with fixes that make sense.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const DEMO = path.resolve(__dirname, '..', '..', 'scripts', 'demo.js');

describe('npm run demo (the tour)', function () {
  this.timeout(120_000);

  it('falls back to loopback registries, says which, and shows every finding kind with sensible fixes', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-demo-home-'));
    const empty = path.join(home, 'empty');
    fs.writeFileSync(empty, '');
    const run = spawnSync(process.execPath, [DEMO], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH, HOME: home, XDG_CACHE_HOME: path.join(home, 'cache'),
        npm_config_userconfig: empty, npm_config_globalconfig: empty, npm_config_registry: 'http://127.0.0.1:9/',
        PIP_CONFIG_FILE: '/dev/null', PIP_INDEX_URL: 'http://127.0.0.1:9/simple/',
      },
    });
    assert.strictEqual(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /npm registry: http:\/\/127\.0\.0\.1:\d+\/ \(a loopback Verdaccio seeded with the tour's packages: http:\/\/127\.0\.0\.1:9\/ did not answer\)/);
    assert.match(run.stdout, /Python index: http:\/\/127\.0\.0\.1:\d+\/simple\/ \(the bundled sample index on loopback/);
    const codes = new Set([...run.stdout.matchAll(/ \[([a-z-]+)\]$/gm)].map((m) => m[1]));
    for (const code of ['missing-package', 'missing-version', 'missing-export', 'export-in-other-version', 'undeclared-dependency', 'suspicious-package', 'unverified-package', 'manifest-unreadable']) assert.ok(codes.has(code), `${code} not shown:\n${run.stdout}`);
    assert.match(run.stdout, /explore\.ipynb cell 1:2:8 .*pandas_advanced_transform/, 'notebook cells are checked');
    assert.match(run.stdout, /quick fix: Replace with 'merge'/);
    assert.match(run.stdout, /quick fix: Use '\^1\.3\.0'/);
    assert.doesNotMatch(run.stdout, /Allow ''/, 'a whole-file finding names no package to allow');
    assert.doesNotMatch(run.stdout, /tour-legacy-shim-made-up/, 'the suppressed line stays quiet');
    assert.match(run.stdout, /What the codes mean:/);
  });
});
