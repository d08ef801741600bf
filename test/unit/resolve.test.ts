import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { nodeFileSystem } from '../../server/src/core/io';
import { extractJavaScript } from '../../server/src/core/extract/javascript';
import { ProjectModel, detectPackageManager } from '../../server/src/core/resolve/project';
import { resolveLocally } from '../../server/src/core/resolve/resolvers';
import { isNodeBuiltin } from '../../server/src/core/resolve/builtins';
import { dependencySource } from '../../server/src/core/resolve/manifest';
import { aliasesFromConfigText } from '../../server/src/core/resolve/bundlerAliases';
import { isPossibleNpmName, matchesNamePattern, parsePackageSpecifier, typesPackageName } from '../../server/src/core/resolve/specifier';
import { FIXTURES } from '../support/workspace';

/** Resolves every reference of a fixture file; returns specifier -> 'local' | 'package:<registry name>' | 'not-a-package'. */
function resolveFile(rel: string): Record<string, string> {
  const file = path.join(FIXTURES, rel);
  const { references, declaredModules } = extractJavaScript(fs.readFileSync(file, 'utf8'), file);
  const project = new ProjectModel(nodeFileSystem).forFile(file);
  const out: Record<string, string> = {};
  for (const ref of references) {
    const r = resolveLocally(ref.specifier, { file, fs: nodeFileSystem, project, declaredModules, typeOnly: ref.typeOnly });
    out[ref.specifier] = r.kind === 'package' ? `package:${r.registryName}` : r.kind;
  }
  return out;
}

describe('local resolution on fixture projects', () => {
  it('pnpm workspace: members resolve (with subpaths), the made-up name does not', () => {
    assert.deepStrictEqual(resolveFile('pnpm-ws/apps/web/src/index.ts'), {
      '@pnpm-ws/core': 'local',
      '@pnpm-ws/web/sub': 'local',
      'pnpm-ws-made-up-zz': 'package:pnpm-ws-made-up-zz',
    });
    assert.strictEqual(detectPackageManager(nodeFileSystem, path.join(FIXTURES, 'pnpm-ws/apps/web')), 'pnpm');
  });

  it('yarn workspaces in the object form', () => {
    assert.deepStrictEqual(resolveFile('yarn-ws/modules/b/src/index.js'), { 'module-a': 'local', 'yarn-made-up-zz': 'package:yarn-made-up-zz' });
    assert.strictEqual(detectPackageManager(nodeFileSystem, path.join(FIXTURES, 'yarn-ws/modules/b')), 'yarn');
  });

  it('Docusaurus modules resolve only because the site declares @docusaurus/core', () => {
    const result = resolveFile('docusaurus-site/src/pages/index.tsx');
    assert.ok(Object.values(result).length > 0, 'an empty list would pass every check');
    assert.ok(Object.values(result).every((r) => r === 'local'), JSON.stringify(result));
    // the same specifiers in a project without Docusaurus are looked up
    const project = new ProjectModel(nodeFileSystem).forFile(path.join(FIXTURES, 'yarn-ws/modules/b/src/index.js'));
    const r = resolveLocally('@theme/Layout', { file: path.join(FIXTURES, 'yarn-ws/modules/b/src/index.js'), fs: nodeFileSystem, project, declaredModules: [], typeOnly: false });
    assert.notStrictEqual(r.kind, 'local');
  });

  it('a catch-all `*` path maps only names whose target exists, with baseUrl', () => {
    assert.deepStrictEqual(resolveFile('catchall/src/index.ts'), {
      helpers: 'local',
      config: 'local',
      'catchall-made-up-zz': 'package:catchall-made-up-zz',
    });
  });

  it("Yarn Plug'n'Play: a declared dependency counts as installed, an undeclared one is looked up", () => {
    assert.deepStrictEqual(resolveFile('pnp-project/src/index.ts'), { 'left-pad': 'local', 'pnp-made-up-zz': 'package:pnp-made-up-zz' });
  });

  it('the monorepo: an npm: alias is looked up under its real name', () => {
    const result = resolveFile('monorepo/packages/app/src/real.ts');
    assert.strictEqual(result.pad, 'package:left-pad');
    assert.strictEqual(result['declared-not-installed'], 'package:declared-not-installed');
    const others = Object.entries(result).filter(([s]) => s !== 'pad' && s !== 'declared-not-installed');
    assert.ok(others.length > 0, 'an empty list would pass every check');
    assert.ok(others.every(([, r]) => !r.startsWith('package')), JSON.stringify(others.filter(([, r]) => r.startsWith('package'))));
  });
});

describe('names and specifiers', () => {
  it('splits package names from subpaths', () => {
    assert.deepStrictEqual(parsePackageSpecifier('lodash/merge'), { name: 'lodash', subpath: '/merge' });
    assert.deepStrictEqual(parsePackageSpecifier('@scope/pkg/a/b'), { name: '@scope/pkg', subpath: '/a/b' });
    assert.deepStrictEqual(parsePackageSpecifier('react'), { name: 'react', subpath: '' });
    assert.strictEqual(parsePackageSpecifier('@scope'), undefined);
  });

  it('knows which names can be on npm', () => {
    for (const ok of ['react', 'JSONStream', '@types/node', 'left-pad', 'lodash.merge']) assert.ok(isPossibleNpmName(ok), ok);
    for (const bad of ['@/components', '~/utils', '$lib', '.hidden', '_private', 'with space']) assert.ok(!isPossibleNpmName(bad), bad);
  });

  it('mangles scoped names for @types', () => {
    assert.strictEqual(typesPackageName('@babel/core'), '@types/babel__core');
    assert.strictEqual(typesPackageName('estree'), '@types/estree');
  });

  it('matches allowlist globs', () => {
    assert.ok(matchesNamePattern('@acme/ui', '@acme/*'));
    assert.ok(!matchesNamePattern('@acme/ui/x', '@acme/*'));
    assert.ok(matchesNamePattern('eslint-plugin-foo', 'eslint-plugin-*'));
    assert.ok(!matchesNamePattern('lodash', 'lodash.*'));
    assert.ok(matchesNamePattern('lodash.merge', 'lodash.*'), 'a dot is literal');
  });

  it('recognises Node builtins with and without node:', () => {
    for (const b of ['fs', 'node:fs', 'fs/promises', 'node:test', 'node:sqlite', 'path/posix', 'child_process']) assert.ok(isNodeBuiltin(b), b);
    for (const n of ['test', 'sqlite', 'node:nope', 'react']) assert.ok(!isNodeBuiltin(n), n);
  });

  it('tells registry dependencies from workspace, file and git ones', () => {
    assert.deepStrictEqual(dependencySource('pad', 'npm:left-pad@^1.3.0'), { kind: 'registry', name: 'left-pad' });
    assert.deepStrictEqual(dependencySource('x', 'npm:@scope/real@2'), { kind: 'registry', name: '@scope/real' });
    assert.deepStrictEqual(dependencySource('x', '^1.2.3 || 2.x'), { kind: 'registry', name: 'x' });
    for (const spec of ['workspace:*', 'file:../x', 'link:../y', 'git+https://h/r.git', 'github:u/r', 'user/repo#main', 'https://h/x.tgz']) {
      assert.strictEqual(dependencySource('x', spec).kind, 'elsewhere', spec);
    }
  });

  it('reads aliases from bundler configs by parsing them', () => {
    const vite = "export default { resolve: { alias: { '@ui': '/src/ui', utils: '/src/utils' } } }";
    assert.deepStrictEqual(aliasesFromConfigText('vite.config.ts', vite), ['@ui', 'utils']);
    const arr = "export default { resolve: { alias: [{ find: 'legacy', replacement: 'x' }] } }";
    assert.deepStrictEqual(aliasesFromConfigText('vite.config.ts', arr), ['legacy']);
    const babel = '{ "plugins": [["module-resolver", { "alias": { "~components": "./src/components" } }]] }';
    assert.deepStrictEqual(aliasesFromConfigText('.babelrc', babel), ['~components']);
  });
});

describe('local resolution: shapes seen in real repositories', () => {
  it('type-only and TypeScript imports of a name whose @types package is declared are local', () => {
    assert.deepStrictEqual(resolveFile('real-shapes/packages/remark/src/headings.ts'), { hast: 'local', estree: 'local', 'unist-util-visit': 'package:unist-util-visit' });
  });

  it('a package nested in another resolves the enclosing package’s dependencies', () => {
    const file = path.join(FIXTURES, 'real-shapes/packages/server/test/server.test.ts');
    const project = new ProjectModel(nodeFileSystem).forFile(file);
    assert.strictEqual(project.manifest?.name, '@shapes/server-tests');
    assert.strictEqual(project.declaredSpec('vscode-languageserver'), '^9.0.1');
    assert.strictEqual(project.declaredSpec('typescript'), '^5.6.0', 'and the workspace root’s');
    assert.strictEqual(project.declaredSpec('left-pad'), undefined);
  });

  it('vscode in an extension (engines.vscode); react under Preact’s compat preset; @vite/ from Vite', () => {
    assert.deepStrictEqual(resolveFile('real-shapes/packages/editor-ext/src/extension.ts'), { vscode: 'local' });
    assert.deepStrictEqual(resolveFile('real-shapes/packages/preact-site/src/Counter.jsx'), {
      react: 'local',
      'react-dom': 'local',
      '@vite/env': 'local',
      'preact-hooks-ultra-zz': 'package:preact-hooks-ultra-zz',
    });
  });

  it('paths of a parent tsconfig the nearer one does not extend; aliases in a suffixed config (vitest.config.e2e.ts); the browser field', () => {
    assert.deepStrictEqual(resolveFile('real-shapes/playground/case/__tests__/case.spec.ts'), { '~utils': 'local', 'e2e-helpers/server': 'local' });
    assert.deepStrictEqual(resolveFile('real-shapes/packages/browser-lib/src/index.js'), { jsdom: 'local' });
  });

  it('the range a package develops with wins over its peer range', () => {
    const file = path.join(FIXTURES, 'real-shapes/packages/react-integration/src/client-v17.ts');
    assert.strictEqual(new ProjectModel(nodeFileSystem).forFile(file).declaredSpec('react-dom'), '^18.3.1');
  });

  it('vscode outside an extension is still a package to look up', () => {
    assert.deepStrictEqual(resolveFile('real-shapes/packages/server/src/index.ts'), { vscode: 'package:vscode' });
  });
});

describe('the version a project runs: lockfiles of every manager', () => {
  const versionIn = (rel: string, name: string) => {
    const file = path.join(FIXTURES, 'lockfiles', rel, 'index.js');
    return new ProjectModel(nodeFileSystem).forFile(file).versionToCheck(name);
  };

  it('package-lock.json: the locked version, declared or not', () => {
    assert.strictEqual(versionIn('npm', 'typescript'), '5.6.3');
    assert.strictEqual(versionIn('npm', 'eslint'), '8.57.1');
  });

  it('pnpm-lock.yaml (two documents, as pnpm 10 writes): the importer’s version (catalog: and peer suffixes resolved), and locked undeclared packages', () => {
    assert.strictEqual(versionIn('pnpm/packages/app', 'typescript'), '5.9.3');
    assert.strictEqual(versionIn('pnpm/packages/app', 'react-dom'), '18.3.1');
    assert.strictEqual(versionIn('pnpm/packages/app', 'eslint'), '7.32.0');
  });

  it('yarn.lock, classic and Berry; bun.lock', () => {
    assert.strictEqual(versionIn('yarn-classic', '@types/node'), '20.14.9');
    assert.strictEqual(versionIn('yarn-classic', 'eslint'), '7.32.0');
    assert.strictEqual(versionIn('yarn-berry', 'lodash'), '4.17.21');
    assert.strictEqual(versionIn('bun', 'zod'), '3.23.8');
  });

  it('without a lockfile, the declared range; a pnpm catalog: spec is resolved from pnpm-workspace.yaml', () => {
    assert.strictEqual(versionIn('npm', 'left-pad'), undefined);
    const file = path.join(FIXTURES, 'real-shapes/packages/react-integration/src/client-v17.ts');
    assert.strictEqual(new ProjectModel(nodeFileSystem).forFile(file).versionToCheck('react-dom'), '^18.3.1');
    assert.strictEqual(versionIn('catalog-only/packages/tool', 'typescript'), '~5.8.0');
  });
});
