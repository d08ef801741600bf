/**
 * Pure logic over the in-memory FileSystem: no temp folders, no registry. The project models,
 * resolver chains and the disk cache only see the disk through the FileSystem seam, so what they
 * decide can be set up in a few lines and what they read can be asserted.
 */
import * as assert from 'assert';
import * as nodeFs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nodeFileSystem, silentLogger, snapshotFileSystem, type FileSystem } from '../../server/src/core/io';
import { ProjectModel } from '../../server/src/core/resolve/project';
import { DerivedCache } from '../../server/src/core/derivedCache';
import { resolveLocally } from '../../server/src/core/resolve/resolvers';
import { PythonProjectModel } from '../../server/src/core/resolve/python/project';
import { resolvePythonLocally } from '../../server/src/core/resolve/python/resolvers';
import { DiskCache } from '../../server/src/core/registry/diskCache';
import { WATCHED_FILE_GLOBS } from '../../server/src/core/watchedFiles';
import { memoryFileSystem } from '../support/memoryFileSystem';

describe('core over an in-memory file system', () => {
  it('JavaScript: workspace members, tsconfig paths and declared dependencies resolve; the rest is a package', () => {
    const fs = memoryFileSystem({
      '/w/package.json': JSON.stringify({ name: 'root', private: true, workspaces: ['packages/*'] }),
      '/w/packages/ui/package.json': JSON.stringify({ name: '@w/ui' }),
      '/w/packages/app/package.json': JSON.stringify({ name: '@w/app', dependencies: { '@w/ui': 'workspace:*', react: '^18' } }),
      '/w/packages/app/tsconfig.json': JSON.stringify({ compilerOptions: { paths: { '~/*': ['./src/*'] } } }),
      '/w/packages/app/src/lib/util.ts': 'export const x = 1;\n',
      '/w/packages/app/src/index.ts': '',
    });
    const file = '/w/packages/app/src/index.ts';
    const project = new ProjectModel(fs).forFile(file);
    const kind = (s: string) => {
      const r = resolveLocally(s, { file, fs, project, declaredModules: [], typeOnly: false });
      return r.kind === 'package' ? `package:${r.registryName}` : r.kind;
    };
    assert.strictEqual(kind('@w/ui'), 'local');
    assert.strictEqual(kind('~/lib/util'), 'local');
    assert.strictEqual(kind('node:fs'), 'local');
    assert.strictEqual(kind('react'), 'package:react');
    assert.strictEqual(kind('made-up-zz'), 'package:made-up-zz');
  });

  it('tsconfig paths of a referenced project (`references`) count, as TypeScript builds them', () => {
    const fs = memoryFileSystem({
      '/r/package.json': JSON.stringify({ name: 'r', private: true }),
      '/r/tsconfig.json': JSON.stringify({ files: [], references: [{ path: './config/tsconfig.src.json' }] }),
      '/r/config/tsconfig.src.json': JSON.stringify({ compilerOptions: { paths: { 'app-lib/*': ['../src/lib/*'] } }, include: ['../src'] }),
      '/r/src/lib/a.ts': 'export const a = 1;\n',
      '/r/src/main.ts': '',
    });
    const file = '/r/src/main.ts';
    const project = new ProjectModel(fs).forFile(file);
    const r = resolveLocally('app-lib/a', { file, fs, project, declaredModules: [], typeOnly: false });
    assert.strictEqual(r.kind, 'local');
    // the same tree without the reference: nothing maps the name, it is a package to look up
    const unreferenced = memoryFileSystem({ ...fs.files(), '/r/tsconfig.json': JSON.stringify({ files: [] }) });
    const alone = resolveLocally('app-lib/a', { file, fs: unreferenced, project: new ProjectModel(unreferenced).forFile(file), declaredModules: [], typeOnly: false });
    assert.strictEqual(alone.kind, 'package');
  });

  it('Deno: import maps decide (npm: targets are looked up under their npm name), npm:/jsr:/bun: specifiers', () => {
    const fs = memoryFileSystem({
      '/d/deno.json': JSON.stringify({ imports: { lodash: 'npm:lodash@^4.17.21', '@std/': 'jsr:@std/', '~/': './src/', made: 'npm:fast-json-parser-v2@1', cdn: 'https://esm.sh/preact' } }),
      '/d/src/main.ts': '',
    });
    const file = '/d/src/main.ts';
    const project = new ProjectModel(fs).forFile(file);
    const kind = (s: string) => {
      const r = resolveLocally(s, { file, fs, project, declaredModules: [], typeOnly: false });
      return r.kind === 'package' ? `package:${r.registryName}${r.pkg.subpath}` : r.kind;
    };
    assert.deepStrictEqual(
      ['lodash', 'made', '@std/path', '~/util.ts', 'cdn', 'npm:zod@3/v4', 'jsr:@std/fs', 'bun:sqlite', 'unmapped-zz'].map(kind),
      ['package:lodash', 'package:fast-json-parser-v2', 'not-a-package', 'local', 'not-a-package', 'package:zod/v4', 'not-a-package', 'not-a-package', 'package:unmapped-zz'],
    );
  });

  it('Python: the environment two folders up, the project name and a declared provider settle imports; a made-up one goes to the index', () => {
    const fs = memoryFileSystem({
      '/r/.git/HEAD': 'ref: refs/heads/main\n',
      '/r/.venv/pyvenv.cfg': 'version = 3.12.3\n',
      '/r/.venv/lib/python3.12/site-packages/yaml/__init__.py': '',
      '/r/.venv/lib/python3.12/site-packages/PyYAML-6.0.2.dist-info/METADATA': 'Name: PyYAML\n',
      '/r/.venv/lib/python3.12/site-packages/PyYAML-6.0.2.dist-info/RECORD': 'yaml/__init__.py,,\n',
      '/r/svc/pyproject.toml': '[project]\nname = "acme-svc"\ndependencies = ["strawberry-graphql-django"]\n',
      '/r/svc/app/main.py': '',
    });
    const file = '/r/svc/app/main.py';
    const project = new PythonProjectModel(fs, {}).forFile(file);
    const via = (module: string) => resolvePythonLocally({ fs, file, module, top: module.split('.')[0], relative: false, project });
    assert.match(via('yaml') ?? '', /installed in \.venv/);
    assert.strictEqual(via('acme_svc.models'), "the project's own package");
    assert.match(via('strawberry_django.optimizer') ?? '', /strawberry-graphql-django/);
    assert.strictEqual(via('os.path'), 'standard library');
    assert.strictEqual(via('fastjsonparser_made_up_zz'), undefined);
  });

  it('the disk cache survives a torn line and compacts through the same seam', () => {
    const fs = memoryFileSystem({ '/c/npm.jsonl': '{"k":"a","v":1}\n{"k":"b","v":2\n{"k":"c","v":3}\n' });
    const cache = new DiskCache<number>('/c/npm.jsonl', silentLogger, (v): v is number => typeof v === 'number', fs);
    assert.deepStrictEqual([cache.get('a'), cache.get('b'), cache.get('c')], [1, undefined, 3]);
    // the damaged line was dropped by rewriting the file
    assert.strictEqual(fs.files()['/c/npm.jsonl'], '{"k":"a","v":1}\n{"k":"c","v":3}\n');
    cache.set('d', 4);
    cache.flush();
    assert.match(fs.files()['/c/npm.jsonl'], /\{"k":"d","v":4\}\n$/);
  });

  it('a folder with no project files of its own is in its parent folder\'s project; one with a tsconfig or package.json is not', () => {
    const fs = memoryFileSystem({
      '/w/package.json': JSON.stringify({ name: 'app', dependencies: { react: '^18' } }),
      '/w/tsconfig.json': JSON.stringify({ compilerOptions: { paths: { '~/*': ['./src/*'] } } }),
      '/w/src/index.ts': '',
      '/w/src/deep/er/still.ts': '',
      '/w/src/tests/tsconfig.json': JSON.stringify({ compilerOptions: { paths: { '@fx/*': ['./fixtures/*'] } } }),
      '/w/src/tests/a.test.ts': '',
      '/w/src/tests/nested/package.json': JSON.stringify({ name: 'nested', dependencies: { vue: '^3' } }),
      '/w/src/tests/nested/b.ts': '',
    });
    const model = new ProjectModel(fs);
    const top = model.forFile('/w/src/index.ts');
    assert.strictEqual(model.forFile('/w/src/deep/er/still.ts'), top);
    const tests = model.forFile('/w/src/tests/a.test.ts');
    assert.notStrictEqual(tests, top);
    const kind = (file: string, s: string) => resolveLocally(s, { file, fs, project: model.forFile(file), declaredModules: [], typeOnly: false }).kind;
    assert.strictEqual(kind('/w/src/tests/a.test.ts', '@fx/x'), 'local');
    assert.strictEqual(kind('/w/src/deep/er/still.ts', '~/index'), 'local');
    assert.strictEqual(kind('/w/src/deep/er/still.ts', '@fx/x'), 'package', 'the tests folder\'s paths do not reach its siblings');
    const nested = model.forFile('/w/src/tests/nested/b.ts');
    assert.strictEqual(nested.declaredSpec('vue'), '^3');
    assert.strictEqual(top.declaredSpec('vue'), undefined);
  });

  it("the CLI's snapshot asks the disk each question once, and holds a text only from its second read", () => {
    const base = memoryFileSystem({
      '/w/package.json': JSON.stringify({ name: 'root', private: true, workspaces: ['packages/*'] }),
      '/w/packages/app/package.json': JSON.stringify({ name: '@w/app', dependencies: { react: '^18' } }),
      '/w/packages/app/src/a/index.ts': '',
      '/w/packages/app/src/b/index.ts': '',
      '/w/packages/app/src/c/index.ts': '',
      '/w/packages/app/src/once.ts': 'import x from "y";\n',
    });
    const asked = new Map<string, number>();
    const counted: FileSystem = {
      readFile: (p) => (asked.set(`read ${p}`, (asked.get(`read ${p}`) ?? 0) + 1), base.readFile(p)),
      exists: (p) => (asked.set(`exists ${p}`, (asked.get(`exists ${p}`) ?? 0) + 1), base.exists(p)),
      isDirectory: (p) => base.isDirectory(p),
      readDir: (p) => (asked.set(`readDir ${p}`, (asked.get(`readDir ${p}`) ?? 0) + 1), base.readDir(p)),
      glob: (root, include, ignore) => base.glob(root, include, ignore),
    };
    const snap = snapshotFileSystem(counted);
    const live = new ProjectModel(base);
    const snapped = new ProjectModel(snap);
    for (const dir of ['a', 'b', 'c']) {
      const file = `/w/packages/app/src/${dir}/index.ts`;
      // the same facts as over the live file system
      assert.deepStrictEqual(snapped.forFile(file).declaredSpec('react'), live.forFile(file).declaredSpec('react'));
      assert.strictEqual(snapped.forFile(file).workspace?.root, live.forFile(file).workspace?.root);
      assert.strictEqual(snapped.forFile(file).packageManager, live.forFile(file).packageManager);
    }
    for (const [question, times] of asked) assert.ok(times <= 2 || (!question.startsWith('read ') && times === 1), `${question}: asked ${times} times`);
    assert.ok([...asked.keys()].some((q) => q.startsWith('exists ')), 'the model asked whether files exist');
    // A text read once (a source file) is not kept: a third read goes to the disk again...
    for (let i = 0; i < 3; i++) snap.readFile('/w/packages/app/src/once.ts');
    assert.strictEqual(asked.get('read /w/packages/app/src/once.ts'), 2);
    for (let i = 0; i < 3; i++) snap.readFile('/w/packages/app/src/once.ts');
    assert.strictEqual(asked.get('read /w/packages/app/src/once.ts'), 2, 'from its second read on, it is kept');
    // ...what is absent is remembered at once, and a listing handed out is the caller's to sort
    for (let i = 0; i < 3; i++) assert.strictEqual(snap.readFile('/w/nothing.json'), undefined);
    assert.strictEqual((asked.get('read /w/nothing.json') ?? 0) + (asked.get('exists /w/nothing.json') ?? 0), 1);
    snap.readDir('/w/packages/app/src').sort().reverse();
    assert.deepStrictEqual(snap.readDir('/w/packages/app/src'), base.readDir('/w/packages/app/src'));
  });

  it("the snapshot's answers from folder listings are the disk's: files, folders, absent paths, links (dangling too)", () => {
    const dir = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'gc-snapshot-'));
    try {
      nodeFs.mkdirSync(path.join(dir, 'pkg', 'src'), { recursive: true });
      nodeFs.writeFileSync(path.join(dir, 'pkg', 'package.json'), '{"name":"pkg"}');
      nodeFs.writeFileSync(path.join(dir, 'pkg', 'src', 'a.ts'), '');
      nodeFs.symlinkSync(path.join(dir, 'pkg'), path.join(dir, 'linked-dir'));
      nodeFs.symlinkSync(path.join(dir, 'pkg', 'package.json'), path.join(dir, 'linked-file.json'));
      nodeFs.symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling'));
      const snap = snapshotFileSystem(nodeFileSystem);
      const paths = ['pkg', 'pkg/package.json', 'pkg/src', 'pkg/src/a.ts', 'pkg/absent.json', 'absent/deeper.json', 'linked-dir', 'linked-dir/package.json', 'linked-file.json', 'dangling', 'pkg/src/a.ts/not-below-a-file'].map((p) => path.join(dir, p));
      for (const p of [dir, ...paths]) {
        assert.strictEqual(snap.exists(p), nodeFileSystem.exists(p), `exists ${p}`);
        assert.strictEqual(snap.isDirectory(p), nodeFileSystem.isDirectory(p), `isDirectory ${p}`);
        assert.strictEqual(snap.readFile(p), nodeFileSystem.readFile(p), `readFile ${p}`);
      }
      assert.deepStrictEqual(snap.readDir(dir).sort(), nodeFileSystem.readDir(dir).sort());
      // globs walk the listings as they walk the disk: links are not followed, ignores hold
      for (const [include, ignore] of [[['**/*.json'], []], [['**/*.ts', '*/package.json'], ['pkg/src/**']], [['**'], ['**/src/**']]]) {
        assert.deepStrictEqual(snap.glob(dir, include, ignore).sort(), nodeFileSystem.glob(dir, include, ignore).sort(), `${include} without ${ignore}`);
      }
    } finally {
      nodeFs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('declare module names and bundler aliases read with the parser are kept by text for the next run', () => {
    const disk = memoryFileSystem({});
    const project = memoryFileSystem({
      '/w/package.json': JSON.stringify({ name: 'app' }),
      '/w/src/env.d.ts': "declare module 'virtual:routes' { export const routes: string[]; }\ndeclare module '*.svg';\n",
      '/w/vite.config.ts': "export default { resolve: { alias: { '@ui': '/src/ui' } } };\n",
      '/w/src/a.ts': '',
    });
    const facts = (derived: DerivedCache) => {
      const info = new ProjectModel(project, derived).forFile('/w/src/a.ts');
      return { ambient: info.ambientModules, aliases: info.bundlerAliases };
    };
    const first = new DerivedCache('/cache/derived', disk);
    const expected = { ambient: ['virtual:routes', '*.svg'], aliases: ['@ui'] };
    assert.deepStrictEqual(facts(first), expected);
    first.flush();
    const stored = Object.keys(disk.files()).filter((f) => f.startsWith('/cache/derived/'));
    assert.strictEqual(stored.length, 1, `one file of small facts: ${stored}`);
    // The next run answers from it, not from a parse (what the file says is what it gets)
    const lines = disk.files()[stored[0]].trim().split('\n');
    assert.strictEqual(lines.length, 2);
    disk.writeFile(stored[0], disk.files()[stored[0]].replace('"@ui"', '"@as-stored"'));
    assert.deepStrictEqual(facts(new DerivedCache('/cache/derived', disk)), { ...expected, aliases: ['@as-stored'] });
    // An edited text is read again.
    project.writeFile('/w/vite.config.ts', "export default { resolve: { alias: { '@lib': '/src/lib' } } };\n");
    assert.deepStrictEqual(facts(new DerivedCache('/cache/derived', disk)).aliases, ['@lib']);
  });

  it('the language server watches every file a resolver plug-in says it reads', () => {
    for (const glob of ['**/{tsconfig*.json,jsconfig*.json}', '**/*.d.ts', '**/pyvenv.cfg', '**/.pnp.{cjs,js}']) assert.ok(WATCHED_FILE_GLOBS.includes(glob), glob);
    assert.ok(WATCHED_FILE_GLOBS.some((g) => g.includes('noxfile.py') && g.includes('environment.yml')));
    assert.ok(WATCHED_FILE_GLOBS.some((g) => g.includes('vitest') && g.includes('config')));
  });
});
