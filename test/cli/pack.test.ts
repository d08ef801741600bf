/**
 * The CLI as people install it: `npm pack` yields a tarball with the built CLI and server (no
 * sources, no tests), and `npm install -g` of that tarball gives a working `groundcheck`. The
 * install is --offline: its dependencies come from the npm cache that `npm ci` filled, so the test
 * never asks the public registry.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { copyFixture, isolatedEnv } from '../support/workspace';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const npm = (args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) =>
  execFileSync('npm', args, { cwd, env: { ...env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('the packed CLI (npm pack, npm install -g)', function () {
  this.timeout(180_000);

  it('packs only the bins, bundles, data and schema, installs from the tarball and checks a project', () => {
    assert.ok(fs.existsSync(path.join(ROOT, 'dist', 'cli.js')), 'dist/cli.js is missing: run npm run build');
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-pack-'));
    // The build already ran (npm test builds first); prepack would only build again.
    const [packed] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', out], ROOT)) as { filename: string; files: { path: string }[] }[];
    const files = packed.files.map((f) => f.path);
    assert.ok(files.includes('bin/groundcheck.js') && files.includes('dist/cli.js') && files.includes('dist/extractWorker.js') && files.includes('dist/data/npm-popular.idx.gz'), files.join(' '));
    const unexpected = files.filter((f) => /^(test|server\/src|client\/src|scripts|out)\//.test(f) || f.endsWith('.ts') && !f.endsWith('.d.ts'));
    assert.deepStrictEqual(unexpected, []);

    const prefix = path.join(out, 'prefix');
    npm(['install', '--global', '--prefix', prefix, '--offline', '--ignore-scripts', '--no-audit', path.join(out, packed.filename)], out);
    const bin = path.join(prefix, 'bin', 'groundcheck');
    assert.ok(fs.existsSync(bin), `${bin} was not installed`);
    const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
    assert.strictEqual(version, JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);

    const project = copyFixture('mixed-encodings');
    let report: string;
    try {
      report = execFileSync(bin, ['check', '--offline', '--format', 'json'], { cwd: project, env: isolatedEnv(project), encoding: 'utf8' });
    } catch (e) {
      report = (e as { stdout: string }).stdout; // exit 1 with findings is a report too
    }
    const json = JSON.parse(report || '{}') as { summary?: { filesChecked: number; unverified: number } };
    assert.ok(json.summary && json.summary.filesChecked >= 3, report);
    assert.ok(json.summary!.unverified > 0, 'offline: made-up names are unverified, never missing');
  });
});

describe('the .vsix contents (vsce ls)', function () {
  this.timeout(60_000);

  it('holds the bundles, their data, the schema, the icon and the docs, and nothing else', () => {
    const listed = execFileSync(process.execPath, [require.resolve('@vscode/vsce/vsce'), 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
    // (dist/types/node: Node's types, with the undici-types they reference)
    const allowed = [/^package\.json$/, /^(README|CHANGELOG)\.md$/, /^LICENSE$/, /^schemas\/groundcheck\.schema\.json$/, /^docs\/icon\.png$/, /^dist\/(client|server)\.js$/, /^dist\/data\/[\w.-]+$/, /^dist\/types\/node\/([\w.-]+\/)*([\w.-]+\.d\.ts|package\.json|LICENSE|README\.md)$/];
    assert.deepStrictEqual(listed.filter((f) => !allowed.some((re) => re.test(f))), [], 'unexpected files in the .vsix');
    for (const needed of ['dist/client.js', 'dist/server.js', 'docs/icon.png', 'dist/data/tree-sitter-python.wasm', 'dist/data/python-import-names.json']) assert.ok(listed.includes(needed), needed);
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { icon: string; galleryBanner: unknown; categories: string[] };
    assert.ok(fs.existsSync(path.join(ROOT, manifest.icon)) && manifest.galleryBanner);
    assert.deepStrictEqual(manifest.categories, ['Linters', 'Programming Languages']);
  });
});
