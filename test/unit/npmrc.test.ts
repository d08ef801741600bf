import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nodeFileSystem } from '../../server/src/core/io';
import { loadNpmConfig, registryFor } from '../../server/src/core/registry/npmrc';
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

  it('an untrusted workspace does not get its .npmrc read', () => {
    const c = loadNpmConfig({ fs: nodeFileSystem, env, projectDir: project, trusted: false });
    assert.strictEqual(c.options['@corp:registry'], undefined);
    assert.ok(!c.sources.some((s) => s.startsWith(project)));
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
  it('accepts what the project config reader accepts, and rejects unknown keys', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Ajv = require('ajv');
    const schema = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../schemas/groundcheck.schema.json'), 'utf8'));
    const validate = new Ajv({ strict: false }).compile(schema);
    assert.ok(validate({ allow: ['@acme/*'], privateScopes: ['@acme'], severity: { 'missing-package': 'warning' }, failOn: 'warning' }));
    assert.ok(!validate({ severty: {} }));
    assert.ok(!validate({ severity: { 'missing-package': 'loud' } }));
  });
});
