/**
 * Risk signals of names that exist (issue #15): packages published to a loopback Verdaccio with
 * crafted metadata (ages, versions, install scripts, no repository), checked by the CLI in a
 * package.json and a README. Only the documented combinations fire, with every reason named;
 * each signal alone, and popular names, stay quiet.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { Verdaccio } from '../support/verdaccio';
import { runCliProcess } from '../support/cli';
import { copyFixture, isolatedEnv } from '../support/workspace';
import { NpmRegistryClient } from '../../server/src/core/registry/npmRegistry';
import { systemClock } from '../../server/src/core/io';
import { loadNpmConfig } from '../../server/src/core/registry/npmrc';
import { nodeFileSystem } from '../../server/src/core/io';

interface JsonFinding { file: string; line: number; column: number; code: string; package: string; message: string }

const OLD = '2019-05-01T10:00:00.000Z';

describe('risk signals of packages that exist (CLI, Verdaccio with crafted metadata)', function () {
  this.timeout(120_000);
  let registry: Verdaccio;

  before(async () => {
    registry = await Verdaccio.start();
    const noRepo = { repository: undefined };
    // a popular name with a filler, brand new, one version, no repository: fires (A)
    await registry.publish('axios-helper', '1.0.0', noRepo);
    // the same kind of name, but old, many versions, a repository: each registry signal absent, quiet
    for (const v of ['2.0.0', '2.1.0', '2.2.0']) await registry.publish('chalk-plus', v);
    registry.backdate('chalk-plus', { '2.0.0': OLD, '2.1.0': OLD, '2.2.0': OLD });
    // no imitation, unpopular, new and a postinstall script: fires (C)
    for (const v of ['1.0.0', '1.0.1', '1.1.0']) await registry.publish('gc-setup-hooks', v, { scripts: { postinstall: 'node setup.js' } });
    // no imitation, unpopular, new, a single version and no repository: fires (D)
    await registry.publish('gc-fresh-lib', '0.1.0', noRepo);
    // the same with a repository: quiet
    await registry.publish('gc-fresh-with-repo', '0.1.0');
    // old, a single version, no repository: quiet
    await registry.publish('gc-old-single', '1.0.0', noRepo);
    registry.backdate('gc-old-single', { '1.0.0': OLD });
    // popular per the snapshot: new, install script, no repository, and still quiet
    await registry.publish('left-pad', '1.3.0', { ...noRepo, scripts: { preinstall: 'echo hi' } });
  });

  after(async () => {
    await registry.stop();
  });

  it('fires only on the combinations, in package.json and install commands, with every reason', async () => {
    const root = copyFixture('risk-signals');
    fs.writeFileSync(path.join(root, '.npmrc'), `registry=${registry.url}\n`);
    const r = await runCliProcess(['check', '.', '--format', 'json', '--no-cache'], root, isolatedEnv(root));
    const json = JSON.parse(r.stdout) as { findings: JsonFinding[] };
    const got = json.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.code} ${f.package}`).sort();
    assert.deepStrictEqual(got, [
      'README.md:6:13 suspicious-package axios-helper',
      'package.json:6:6 suspicious-package axios-helper',
      'package.json:8:6 suspicious-package gc-setup-hooks',
      'package.json:9:6 suspicious-package gc-fresh-lib',
    ], r.stdout + r.stderr);
    const message = (name: string) => json.findings.find((f) => f.file === 'package.json' && f.package === name)!.message;
    assert.match(message('axios-helper'), /its name is 'axios' with a filler word, which has over [\d,]+ times its downloads; it had under 1,000 downloads a month in the \d{4}-\d{2} snapshot; it was first published today; it has a single version; and it names no source repository\. .*Did you mean 'axios'\?/);
    assert.match(message('gc-setup-hooks'), /it had under 1,000 downloads a month .*; it was first published today; and its latest version runs postinstall scripts when installed\. .*Check that it is the package you meant/);
    assert.match(message('gc-fresh-lib'), /first published today; it has a single version; and it names no source repository/);
    assert.strictEqual(r.code, 0, 'suspicious-package is a warning: the default gate is errors');
  });

  it('works where the document has no time.created, from the version times', async () => {
    // backdate() removed `created`; a version time 10 days old makes it "new" for a 30-day threshold, not for 5
    registry.backdate('gc-fresh-lib', { '0.1.0': new Date(Date.now() - 10 * 24 * 3600 * 1000).toISOString() });
    const root = copyFixture('risk-signals');
    fs.writeFileSync(path.join(root, '.npmrc'), `registry=${registry.url}\n`);
    const run = async (config: object) => {
      fs.writeFileSync(path.join(root, 'groundcheck.json'), JSON.stringify(config));
      const r = await runCliProcess(['check', 'package.json', '--format', 'json', '--no-cache'], root, isolatedEnv(root));
      return (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings.filter((f) => f.package === 'gc-fresh-lib');
    };
    const thirty = await run({});
    assert.strictEqual(thirty.length, 1);
    assert.match(thirty[0].message, /first published 10 days ago/);
    assert.deepStrictEqual(await run({ risk: { newPackageDays: 5 } }), [], 'the threshold comes from the settings');
  });
});

describe('registry holds (HTTP 451)', () => {
  it('is a suspicious package, never "missing" nor "unverified"', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(451, { 'content-type': 'application/json' });
      res.end('{"error":"unavailable for legal reasons"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const client = new NpmRegistryClient({ timeoutMs: 2000, clock: systemClock });
      const config = loadNpmConfig({ fs: nodeFileSystem, env: { npm_config_registry: url }, trusted: true, privateScopes: [] });
      const info = await client.fetch('held-package', config);
      assert.strictEqual(info.status, 'exists');
      assert.strictEqual(info.held, true);
      assert.match(info.note ?? '', /HTTP 451/);
    } finally {
      server.close();
    }
  });
});
