/**
 * Lockfile injection: an entry of package-lock.json, yarn.lock or pnpm-lock.yaml that downloads
 * from a host that is not a registry the project uses is an error at the URL; public registry
 * hosts and the project's own URL dependencies are fine. No network is needed for this check.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { runCliProcess } from '../support/cli';
import { copyFixture, isolatedEnv } from '../support/workspace';
import { SimpleIndex } from '../support/simpleIndex';
import { LOCKFILE_REGISTRY_PACKAGES, publishedFixture } from '../support/registryWorkspace';

interface JsonFinding { file: string; line: number; column: number; code: string; package: string; message: string }

describe('lockfile sources (CLI)', function () {
  this.timeout(60_000);

  it('flags entries resolved from a foreign host, in every lockfile format, at the URL', async () => {
    const root = copyFixture('lockfile-sources');
    fs.writeFileSync(path.join(root, '.npmrc'), 'registry=http://127.0.0.1:9/\n'); // (nothing here asks it)
    const r = await runCliProcess(['check', '.', '--format', 'json', '--no-cache'], root, isolatedEnv(root));
    const json = JSON.parse(r.stdout) as { findings: { file: string; line: number; column: number; code: string; package: string; message: string }[] };
    const got = json.findings.filter((f) => f.code === 'lockfile-source').map((f) => `${f.file}:${f.line}:${f.column} ${f.package}`).sort();
    assert.deepStrictEqual(got, ['package-lock.json:26:20 lodash', 'pnpm-lock.yaml:17:27 semver', 'yarn.lock:12:13 debug'], r.stdout + r.stderr);
    assert.match(json.findings.find((f) => f.package === 'lodash')!.message, /from npm\.evil-mirror\.example, which is not a registry this project uses/);
    assert.strictEqual(r.code, 1);
  });

  it('checks every locked name, version and integrity against the registry, in every lockfile format', async () => {
    const { root, registry } = await publishedFixture('lockfile-registry', LOCKFILE_REGISTRY_PACKAGES);
    const index = await SimpleIndex.start();
    try {
      const r = await runCliProcess(['check', '.', '--format', 'json', '--no-cache', '--index-url', index.url], root, isolatedEnv(root));
      const json = JSON.parse(r.stdout) as { findings: JsonFinding[] };
      const got = json.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.code} ${f.package}`).sort();
      assert.deepStrictEqual(got, [
        'bun.lock:16:30 missing-package nextjs-auth-helperz',
        'bun.lock:18:36 lockfile-integrity zod',
        'package-lock.json:20:21 lockfile-integrity ms',
        'package-lock.json:22:19 missing-version zod',
        'package-lock.json:27:19 missing-package fast-json-parser-v2',
        'pnpm-lock.yaml:23:3 missing-version ms',
        'pnpm-lock.yaml:26:3 missing-package react-hook-form-pro',
        'poetry.lock:14:9 missing-version numpy',
        'poetry.lock:4:9 missing-package fastapi-utils-v3',
        'uv.lock:15:9 missing-package made-up-uv-dep-zz',
        'uv.lock:23:24 lockfile-source pandas',
        'uv.lock:30:98 lockfile-integrity requests',
        'yarn.lock:16:13 lockfile-integrity left-pad',
        'yarn.lock:5:1 missing-package express-jwt-auth-helperz',
      ], r.stdout + r.stderr);
      const message = (code: string, name: string) => json.findings.find((f) => f.code === code && f.package === name)!.message;
      assert.match(message('missing-version', 'zod'), /locked at 3\.99\.0, a version .* does not have; its latest is 3\.23\.8/);
      assert.match(message('lockfile-integrity', 'ms'), /integrity locked for ms@2\.1\.3 is not the one/);
      assert.match(message('missing-package', 'fast-json-parser-v2'), /is locked \(1\.0\.0\) but does not exist on/);
      assert.match(message('lockfile-source', 'pandas'), /pypi\.mirror\.example\.net/);
      assert.match(message('lockfile-integrity', 'requests'), /sha256 locked for requests-2\.32\.3\.tar\.gz \(requests 2\.32\.3\) is not the one the package index .* lists for that file \(d3661b32ef71…\)/);
      assert.strictEqual(r.code, 1);

      // SARIF carries the same findings at the same places
      const sarif = await runCliProcess(['check', 'package-lock.json', '--format', 'sarif', '--no-cache'], root, isolatedEnv(root));
      const results = (JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number; startColumn: number } } }[] }[] }[] }).runs[0].results;
      assert.deepStrictEqual(results.map((x) => `${x.ruleId}:${x.locations[0].physicalLocation.region.startLine}:${x.locations[0].physicalLocation.region.startColumn}`).sort(), [
        'lockfile-integrity:20:21', 'missing-package:27:19', 'missing-version:22:19',
      ]);
    } finally {
      await registry.stop();
      await index.stop();
    }
  });

  it('says "unverified" once, never "does not exist", when the registry cannot be reached', async () => {
    const root = copyFixture('lockfile-registry');
    fs.writeFileSync(path.join(root, '.npmrc'), 'registry=http://127.0.0.1:9/\n'); // a closed port
    const r = await runCliProcess(['check', 'package-lock.json', '--format', 'json', '--no-cache'], root, isolatedEnv(root));
    const json = JSON.parse(r.stdout) as { findings: JsonFinding[] };
    assert.deepStrictEqual(json.findings.map((f) => f.code), ['unverified-package'], r.stdout + r.stderr);
    assert.match(json.findings[0].message, /^5 locked packages could not be verified on http:\/\/127\.0\.0\.1:9\//);
  });

  it('reads the hashes of an index that predates PEP 691 from its links (#sha256=)', async () => {
    const index = await SimpleIndex.start({ htmlOnly: true });
    try {
      const root = copyFixture('lockfile-registry');
      const r = await runCliProcess(['check', 'uv.lock', 'poetry.lock', '--format', 'json', '--no-cache', '--index-url', index.url], root, isolatedEnv(root));
      const json = JSON.parse(r.stdout) as { findings: JsonFinding[] };
      assert.deepStrictEqual(json.findings.filter((f) => f.code === 'lockfile-integrity').map((f) => `${f.file}:${f.line}:${f.column} ${f.package}`), ['uv.lock:30:98 requests'], r.stdout + r.stderr);
    } finally {
      await index.stop();
    }
  });
});
