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
});
