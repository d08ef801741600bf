/**
 * Install commands where made-up names really get installed (issue #15): a README and an agent
 * instruction file, a shell script, a Dockerfile, a workflow and package.json scripts, checked by
 * the CLI against a loopback npm registry and Simple API index. Each made-up name is flagged at
 * its own range; real names, paths, computed words, exec-form RUN, non-shell code blocks and a
 * block after `<!-- groundcheck-ignore -->` are not.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Verdaccio } from '../support/verdaccio';
import { SimpleIndex } from '../support/simpleIndex';
import { runCliProcess } from '../support/cli';
import { copyFixture, isolatedEnv } from '../support/workspace';

describe('install commands in docs, agent files, scripts, Dockerfiles, workflows and package.json scripts (CLI)', function () {
  this.timeout(90_000);

  it('flags every made-up name at its range, with SARIF locations, and nothing real', async () => {
    const registry = await Verdaccio.start();
    const index = await SimpleIndex.start();
    try {
      await Promise.all(['express', 'lodash', 'eslint'].map((n) => registry.publish(n, '4.21.2')));
      const root = copyFixture('install-commands');
      fs.writeFileSync(path.join(root, '.npmrc'), `registry=${registry.url}\n`);
      const r = await runCliProcess(['check', '.', '--format', 'json', '--no-cache', '--index-url', index.url], root, isolatedEnv(root));
      const json = JSON.parse(r.stdout) as { findings: { file: string; line: number; column: number; code: string; package: string }[] };
      const got = json.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.code} ${f.package}`).sort();
      assert.deepStrictEqual(got, [
        '.github/workflows/ci.yml:12:23 missing-package made-up-workflow-tool-zz',
        'AGENTS.md:3:34 missing-package made-up-test-runner-zz',
        'AGENTS.md:4:28 missing-package httpx-retry-pro',
        'Dockerfile:3:20 missing-package made-up-global-cli-zz',
        'README.md:12:12 missing-package lodahs',
        'README.md:32:60 missing-package made-up-after-ignore-zz',
        'README.md:6:21 missing-package express-jwt-auth-helperz',
        'README.md:9:30 missing-package fastapi-utils-v3',
        'package.json:6:19 missing-package made-up-scaffold-zz',
        'scripts/setup.sh:5:32 missing-package made-up-dev-helper-zz',
        'scripts/setup.sh:6:62 missing-package made-up-pip-tool-zz',
      ], r.stdout + r.stderr);
      const lodahs = json.findings.find((f) => f.package === 'lodahs') as unknown as { message: string };
      assert.match(lodahs.message, /Did you mean 'lodash'\?.*\(in `pnpm add`\)/);
      const sarif = await runCliProcess(['check', 'README.md', '--format', 'sarif', '--no-cache', '--index-url', index.url], root, isolatedEnv(root));
      const results = (JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }[] }[] }).runs[0].results;
      assert.deepStrictEqual(results.map((x) => `${x.ruleId} ${x.locations[0].physicalLocation.artifactLocation.uri}:${x.locations[0].physicalLocation.region.startLine}:${x.locations[0].physicalLocation.region.startColumn}`).sort(), [
        'missing-package README.md:12:12', 'missing-package README.md:32:60', 'missing-package README.md:6:21', 'missing-package README.md:9:30',
      ]);
    } finally {
      await registry.stop();
      await index.stop();
    }
  });
});
