/**
 * What a checked repository can make Groundcheck send, recorded by logging registries on loopback:
 * no credential from the project's own .npmrc unless it is trusted, and no private-scope name (in
 * any form: package, @types fallback, tarball) at the default registry. CLI and language server.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { runCliProcess } from '../support/cli';
import { FaultyRegistry, type LoggedRequest } from '../support/faultyRegistry';
import { LspClient } from '../support/lspClient';
import { copyFixture, isolatedEnv } from '../support/workspace';
import { URI } from 'vscode-uri';

const SECRET = 'ci-secret-4f1d9a';

const packument = (name: string) => ({
  status: 200,
  body: JSON.stringify({ name, 'dist-tags': { latest: '1.3.0' }, versions: { '1.3.0': { name, version: '1.3.0' } } }),
});

describe('trust: what a checked repository can make Groundcheck send', function () {
  this.timeout(60_000);
  /** The registry the user's own configuration names (here through --registry). */
  let publicRegistry: FaultyRegistry;
  /** A host only the checked project's .npmrc names. */
  let projectHost: FaultyRegistry;
  let root: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    publicRegistry = await FaultyRegistry.start((p) => (p === '/left-pad' ? packument('left-pad') : { status: 404, body: '{"error":"not found"}' }));
    projectHost = await FaultyRegistry.start(() => ({ status: 404, body: '{"error":"not found"}' }));
  });
  after(async () => {
    await publicRegistry?.stop();
    await projectHost?.stop();
  });
  beforeEach(() => {
    publicRegistry.log.length = 0;
    projectHost.log.length = 0;
    root = copyFixture('untrusted-project');
    const host = new URL(projectHost.url).host;
    fs.writeFileSync(path.join(root, '.npmrc'), `@acme:registry=${projectHost.url}\n//${host}/:_authToken=\${SOME_CI_SECRET}\n`);
    env = { ...isolatedEnv(root), SOME_CI_SECRET: SECRET };
  });

  const everything = (): LoggedRequest[] => [...publicRegistry.log, ...projectHost.log];
  const assertNoSecretSent = () => {
    for (const r of everything()) assert.ok(!(r.authorization ?? '').includes(SECRET), `credential sent with ${r.path}`);
  };
  const assertNoPrivateNameAtDefault = () => {
    const leaked = publicRegistry.log.filter((r) => /acme/.test(r.path));
    assert.deepStrictEqual(leaked, [], 'no @acme name, in any form, at the default registry');
  };

  it('CLI, untrusted: the project .npmrc routes @acme to its host without the token; 404 there is unverified, not missing', async () => {
    const r = await runCliProcess(['check', '--format', 'json', '--no-cache', '--registry', publicRegistry.url], root, env);
    // Exit 1 for the one real finding: `notThere` is not exported by the installed, untyped @acme/untyped.
    assert.strictEqual(r.code, 1, r.stderr + r.stdout);
    assertNoSecretSent();
    assertNoPrivateNameAtDefault();
    assert.ok(projectHost.log.some((l) => l.path === '/@acme/secret-lib'), 'registry lines of an untrusted .npmrc still apply');
    const json = JSON.parse(r.stdout) as { findings: { code: string; package: string; message: string }[]; summary: { unverified: number; unverifiedReasons: Record<string, number> } };
    assert.ok(!json.findings.some((f) => f.code === 'missing-package'), r.stdout);
    const secretLib = json.findings.find((f) => f.package === '@acme/secret-lib');
    assert.strictEqual(secretLib?.code, 'unverified-package', r.stdout);
    assert.match(secretLib!.message, /not trusted/);
    assert.ok(json.summary.unverifiedReasons['credentials withheld (untrusted project .npmrc)'] >= 1, JSON.stringify(json.summary));
  });

  it('CLI, --fail-on-unverified turns what could not be verified into exit 1', async () => {
    const r = await runCliProcess(['check', '--no-cache', '--fail-on-unverified', '--registry', publicRegistry.url], root, env);
    assert.strictEqual(r.code, 1, r.stderr + r.stdout);
    assert.match(r.stdout, /could not be verified \(.*credentials withheld/);
  });

  it('CLI, trusted (--trust-project-config or GROUNDCHECK_TRUST_PROJECT=1): the token goes to the host the project names, and only there', async () => {
    for (const [args, extraEnv] of [[['--trust-project-config'], {}], [[], { GROUNDCHECK_TRUST_PROJECT: '1' }]] as const) {
      projectHost.log.length = 0;
      publicRegistry.log.length = 0;
      const r = await runCliProcess(['check', '--no-cache', ...args, '--registry', publicRegistry.url], root, { ...env, ...extraEnv });
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      assert.ok(projectHost.log.some((l) => l.authorization === `Bearer ${SECRET}`), JSON.stringify(projectHost.log));
      assert.ok(!publicRegistry.log.some((l) => (l.authorization ?? '').includes(SECRET)), 'never to the default registry');
      assertNoPrivateNameAtDefault();
    }
  });

  it('CLI, privateScopes without a registry line: no @acme name (package, @types fallback, tarball) reaches the default registry', async () => {
    fs.rmSync(path.join(root, '.npmrc'));
    fs.writeFileSync(path.join(root, 'groundcheck.json'), '{ "privateScopes": ["@acme"] }\n');
    const r = await runCliProcess(['check', '--no-cache', '--format', 'json', '--registry', publicRegistry.url], root, env);
    const codes = (JSON.parse(r.stdout) as { findings: { code: string; package: string }[] }).findings.map((f) => `${f.code} ${f.package}`);
    assert.deepStrictEqual(codes, ['missing-export @acme/untyped'], r.stdout);
    assert.ok(publicRegistry.log.some((l) => l.path === '/left-pad'), 'public names are still looked up');
    assertNoPrivateNameAtDefault();
    assert.deepStrictEqual(projectHost.log, []);
  });

  it('CLI, a mistyped privateScopes is exit 2 naming file, key and reason, and sends nothing', async () => {
    fs.rmSync(path.join(root, '.npmrc'));
    fs.writeFileSync(path.join(root, 'groundcheck.json'), '{\n  "privateScopes": "@acme"\n}\n');
    const r = await runCliProcess(['check', '--no-cache', '--registry', publicRegistry.url], root, env);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /groundcheck\.json:2:20: "privateScopes" must be array/);
    assert.strictEqual(r.stdout, '');
    assertNoPrivateNameAtDefault();
  });

  it('language server, untrusted workspace: no token and no @acme name at the default registry; a broken privateScopes fails closed and is underlined', async () => {
    const client = await LspClient.start({
      rootDir: root,
      env: { ...env, npm_config_registry: publicRegistry.url },
      initializationOptions: { trusted: false, cacheDir: path.join(root, '.cache') },
    });
    try {
      const file = path.join(root, 'src', 'index.ts');
      const uri = client.open(file, fs.readFileSync(file, 'utf8'));
      const published = await client.waitForVersion(uri, 1);
      assertNoSecretSent();
      assertNoPrivateNameAtDefault();
      assert.ok(!published.diagnostics.some((d) => d.code === 'missing-package'), JSON.stringify(published.diagnostics));

      // Now the configuration is broken: every scope is private until it is fixed.
      fs.rmSync(path.join(root, '.npmrc'));
      const config = path.join(root, 'groundcheck.json');
      fs.writeFileSync(config, '{ "privateScopes": "@acme", "severity": { "missing-package": "fatal" } }\n');
      const configUri = URI.file(config).toString();
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: configUri, type: 2 }] });
      const problems = await client.waitFor((p) => p.uri === configUri && p.diagnostics.length > 0);
      assert.deepStrictEqual(problems.diagnostics.map((d) => [d.code, d.message]).sort(), [
        ['invalid-configuration', '"privateScopes" must be array'],
        ['invalid-configuration', '"severity.missing-package" must be one of "error", "warning", "information", "hint", "off"'],
      ]);
      await client.waitForStatus((s: { configErrors?: number }) => s.configErrors === 2);
      assertNoPrivateNameAtDefault();
    } finally {
      await client.stop();
    }
  });
});
