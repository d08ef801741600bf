import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { extractApiReferences } from '../../server/src/core/extract/apiReferences';
import { closestExports, evaluate } from '../../server/src/core/findings/apiChecker';
import { commonJsShape } from '../../server/src/core/exports/entryExports';
import { createCore } from '../../server/src/core';
import { neverCancelled, nodeFileSystem, silentLogger } from '../../server/src/core/io';
import { ExportTables } from '../../server/src/core/exports/exportTables';
import type { TarballSource } from '../../server/src/core/exports/tarballs';
import type { NpmConfig } from '../../server/src/core/registry/npmrc';
import { normalizeSettings } from '../../server/src/core/config/settings';
import type { ApiReference, ExportTable } from '../../server/src/core/model';

const FIXTURE = path.resolve(__dirname, '../../../test/fixtures/api-project');

function refs(text: string, file = 'doc.js') {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  return extractApiReferences(sf).map((r) => `${r.use} ${r.specifier} ${r.name}${r.typeOnly ? ' (type)' : ''} @${r.range.start.line}:${r.range.start.character}`);
}

describe('names taken from modules (extract)', () => {
  it('finds every kind of reference with the range of the name', () => {
    const text = [
      "import def, { a, b as c, 'd' as e } from 'm1';",
      "import * as ns from 'm2';",
      "export { f, g as h } from 'm3';",
      "const { i, j: k, ...rest } = require('m4');",
      "const lib = require('m5');",
      "import eqs = require('m6');",
      'ns.one(); ns.two; lib.three(); def.four; eqs.five;',
      "require('m7').six;",
    ].join('\n');
    assert.deepStrictEqual(refs(text, 'doc.ts'), [
      'default m1 default @0:7',
      'named m1 a @0:14',
      'named m1 b @0:17',
      'named m1 d @0:25',
      'reexport m3 f @2:9',
      'reexport m3 g @2:12',
      'require-destructure m4 i @3:8',
      'require-destructure m4 j @3:11',
      'require-member m7 six @7:14',
      'namespace-member m2 one @6:3',
      'namespace-member m2 two @6:13',
      'require-member m5 three @6:22',
      'default-member m1 four @6:35',
      'namespace-member m6 five @6:45',
    ]);
  });

  it('skips bindings that are declared twice or reassigned, and members that are written', () => {
    const text = [
      "import * as fs from 'fs';",
      "const lib = require('lib');",
      "import * as other from 'other';",
      'function f(fs) { return fs.madeUp; }',
      'lib = {};',
      'lib.madeUp;',
      'other.added = 1;',
      'delete other.removed;',
      'other.real();',
    ].join('\n');
    assert.deepStrictEqual(refs(text), ['namespace-member other real @8:6']);
  });

  it('skips feature detection, @ts-expect-error lines and underscored internals', () => {
    const text = [
      "import * as mod from 'module';",
      'mod.enableCompileCache?.();',
      'const make = mod.createRequire || mod.createRequireFromPath;',
      "if (mod.findPnpApi) mod.findPnpApi();",
      'typeof mod.register;',
      '// @ts-expect-error undocumented',
      'mod.paths = mod.nodeModulePaths(dir);',
      'mod._resolveFilename(x);',
      'mod.madeUpForReal();',
    ].join('\n');
    assert.deepStrictEqual(refs(text), ['namespace-member module findPnpApi @3:24', 'namespace-member module madeUpForReal @8:4']);
  });

  it('marks type-only imports and qualified names in types', () => {
    assert.deepStrictEqual(refs("import type { T } from 'm';\nimport * as ns from 'n';\nlet x: ns.Shape;", 'doc.ts'), ['named m T (type) @0:14', 'namespace-member n Shape (type) @2:10']);
  });
});

describe('export tables (evaluate, suggestions, CommonJS shapes)', () => {
  const table = (over: Partial<ExportTable>): ExportTable => ({
    module: 'm', version: '1.0.0', source: 'test', kind: 'types', format: 'esm', names: ['merge', 'cloneDeep'], exportEquals: false, hasDefault: false, complete: true, ...over,
  });
  const ref = (use: ApiReference['use'], name: string): ApiReference => ({ specifier: 'm', name, use, typeOnly: false, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } });

  it('says missing only for a complete table, and never for what every object has', () => {
    assert.strictEqual(evaluate(ref('named', 'superMerge'), table({})), 'missing');
    assert.strictEqual(evaluate(ref('named', 'superMerge'), table({ complete: false })), 'unknown');
    assert.strictEqual(evaluate(ref('named', 'merge'), table({})), 'ok');
    assert.strictEqual(evaluate(ref('namespace-member', 'toString'), table({})), 'ok');
  });

  it('require() of a package typed `export default` gets the default: its members count, an unknown default says nothing', () => {
    const typedDefault = table({ names: ['default', 'FluentSchemaError'], hasDefault: true, defaultMembers: ['object', 'string'] });
    assert.strictEqual(evaluate(ref('require-member', 'object'), typedDefault), 'ok');
    assert.strictEqual(evaluate(ref('require-destructure', 'string'), typedDefault), 'ok');
    assert.strictEqual(evaluate(ref('require-member', 'FluentSchemaError'), typedDefault), 'ok');
    assert.strictEqual(evaluate(ref('require-member', 'objekt'), typedDefault), 'missing');
    assert.strictEqual(evaluate(ref('require-member', 'object'), table({ names: ['default'], hasDefault: true })), 'unknown');
  });

  it('treats a default import of CommonJS as module.exports, and of an ES module as its default export', () => {
    assert.strictEqual(evaluate(ref('default', 'default'), table({ format: 'cjs' })), 'ok');
    assert.strictEqual(evaluate(ref('default', 'default'), table({})), 'missing');
    assert.strictEqual(evaluate(ref('default-member', 'merge'), table({ format: 'cjs' })), 'ok');
    assert.strictEqual(evaluate(ref('default-member', 'mergeAll'), table({ format: 'cjs' })), 'missing');
    // an ES default export that is a function or class: its members are not known
    assert.strictEqual(evaluate(ref('default-member', 'anything'), table({ hasDefault: true, names: ['default'] })), 'unknown');
  });

  it('suggests the real names a made-up one is built from', () => {
    const lodash = ['merge', 'mergeWith', 'cloneDeep', 'clone', 'chunk', 'flattenDeep', 'flatten', 'capitalize'];
    assert.deepStrictEqual(closestExports('superMerge', lodash).slice(0, 1), ['merge']);
    assert.deepStrictEqual(closestExports('deepCloneAsync', lodash).slice(0, 1), ['cloneDeep']);
    assert.deepStrictEqual(closestExports('chunkify', lodash), ['chunk']);
    assert.deepStrictEqual(closestExports('flattenDeepest', lodash).slice(0, 1), ['flattenDeep']);
    assert.deepStrictEqual(closestExports('zzz', lodash), []);
  });

  it('notices members registered on the exported value under computed names (enquirer’s prompt classes)', () => {
    const enquirerShape = [
      'class Enquirer {}',
      'for (let name of Object.keys(prompts)) { Reflect.defineProperty(Enquirer, name, { get: () => prompts[name] }); }',
      'const define = (name) => utils.defineExport(Enquirer, name, () => Enquirer.types[name]);',
      'module.exports = Enquirer;',
    ].join('\n');
    assert.strictEqual(commonJsShape(enquirerShape, 'index.js').registersAtRunTime, true);
    assert.strictEqual(commonJsShape('class A {}\nA.b = 1;\nObject.defineProperty(A, "c", {});\nmodule.exports = A;', 'index.js').registersAtRunTime, false);
    assert.strictEqual(commonJsShape('const other = {}; other[key] = 1; module.exports = A;', 'index.js').registersAtRunTime, false);
    // node-forge's entry: the shared object, then files required for the members they attach
    assert.strictEqual(commonJsShape("module.exports = require('./forge');\nrequire('./pki');\nrequire('./util');\n", 'lib/index.js').registersAtRunTime, true);
    assert.strictEqual(commonJsShape("require('dotenv/config');\nmodule.exports = { a: 1 };\n", 'index.js').registersAtRunTime, false);
  });

  it('reads a CommonJS file as closed only when every export is written literally', () => {
    const closed = commonJsShape("exports.a = 1; module.exports.b = 2; Object.defineProperty(exports, 'c', {}); __exportStar(require('./d'), exports);", 'x.js');
    assert.deepStrictEqual(closed, { names: ['a', 'b', 'c'], reexports: ['./d'], closed: true, registersAtRunTime: false });
    assert.deepStrictEqual(commonJsShape('module.exports = { a, b: 1, c() {} };', 'x.js'), { names: ['a', 'b', 'c'], reexports: [], closed: true, registersAtRunTime: false });
    for (const open of ['module.exports = factory();', 'exports[key] = 1;', 'Object.assign(exports, extra);', 'module.exports = { ...other };']) {
      assert.strictEqual(commonJsShape(open, 'x.js').closed, false, open);
    }
  });
});

describe('API checks on installed packages (fixture node_modules)', function () {
  this.timeout(60_000);
  // Offline: a registry that counts what it is asked must be asked nothing (not even for other versions).
  let asked = 0;
  const registry = http.createServer((_req, res) => {
    asked++;
    res.statusCode = 500;
    res.end();
  });
  before((done) => void registry.listen(0, '127.0.0.1', done));
  after((done) => void registry.close(() => done()));
  let core: ReturnType<typeof createCore>;
  before(() => {
    const empty = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gc-apis-home-')), 'npmrc');
    fs.writeFileSync(empty, '');
    const port = (registry.address() as { port: number }).port;
    const env = { npm_config_registry: `http://127.0.0.1:${port}/`, npm_config_userconfig: empty, npm_config_globalconfig: empty };
    core = createCore({ logger: silentLogger, cacheDir: fs.mkdtempSync(path.join(os.tmpdir(), 'gc-apis-')), env });
  });
  after(() => assert.strictEqual(asked, 0, 'offline checks asked the registry'));
  const check = (file: string) => core.checker.checkDocument({ path: path.join(FIXTURE, 'src', file), text: fs.readFileSync(path.join(FIXTURE, 'src', file), 'utf8') }, normalizeSettings({ offline: true }), neverCancelled);

  it('reports nothing for real names of every kind, from every kind of package', async () => {
    const result = await check('real.js');
    assert.deepStrictEqual(result.findings.map((f) => f.message), []);
    // Every module was read (not skipped as unknown): the hover data covers each kind of package.
    const sources = new Set(result.apis?.map((a) => `${a.module}: ${a.source}`));
    for (const expected of [
      'typed-lib: its bundled types',
      'plain-lib: types from @types/plain-lib 1.2.3',
      'eq-lib: its bundled types',
      'esm-only: read from its entry file index.js; it has no types',
      'cjs-untyped: read from its entry file lib/index.js; it has no types',
    ]) assert.ok(sources.has(expected), `${expected} not in ${[...sources].join(', ')}`);
    assert.ok([...sources].some((s) => /^fs: types from @types\/node \d+/.test(s)), 'fs read from @types/node');
  });

  it('flags one made-up name per kind of reference in JavaScript, with the closest real names', async () => {
    const result = await check('madeup.js');
    const got = result.findings.map((f) => `${f.code} ${f.data.exportName} [${f.data.suggestions.join(',')}]${f.data.typescriptReports ? ' ts' : ''}`).sort();
    assert.deepStrictEqual(got, [
      'missing-export alphaBeta [alpha,beta]',
      'missing-export deepEqual [deep]',
      'missing-export default []',
      'missing-export emailAddress [email]',
      'missing-export epsilon []',
      'missing-export fetchJson []',
      'missing-export formatTime [formatDate]',
      'missing-export greetAll [greet]',
      'missing-export parseAsync [parse]',
      'missing-export readFileAsync [readFileSync,readFile,read]',
      'missing-export stringifyPretty [stringify]',
    ]);
    const parseAsync = result.findings.find((f) => f.data.exportName === 'parseAsync')!;
    assert.strictEqual(parseAsync.severity, 'error');
    assert.strictEqual(parseAsync.message, "'parseAsync' is not exported by typed-lib 2.1.0 (its bundled types). Did you mean 'parse'?");
    assert.deepStrictEqual(parseAsync.range, { start: { line: 1, character: 9 }, end: { line: 1, character: 19 } });
    assert.match(result.findings.find((f) => f.data.exportName === 'default')!.message, /esm-only 1\.0\.0 .* has no default export/);
    // members of a named import (a namespace, as zod's `z`) and of an ESM default import that is a
    // function with methods (as axios): checked one level deep against what their types list
    assert.strictEqual(result.findings.find((f) => f.data.exportName === 'emailAddress')!.message, "'emailAddress' is not a member of 'schema' from typed-lib 2.1.0 (its bundled types). Did you mean 'email'?");
    assert.strictEqual(result.findings.find((f) => f.data.exportName === 'fetchJson')!.message, "'fetchJson' is not a member of the default export of callable-lib 1.7.9 (its bundled types).");
  });

  it('in TypeScript, marks what TypeScript itself reports (installed types), and not require() it does not type', async () => {
    const result = await check('madeup.ts');
    const got = result.findings.map((f) => `${f.data.exportName}${f.data.typescriptReports ? ' ts' : ''}`).sort();
    assert.deepStrictEqual(got, ['alphaBeta', 'formatTime ts', 'greetings ts', 'parseAsync ts']);
  });

  it('says nothing about members of a package whose own plugin the file imports for its side effect', async () => {
    const result = await check('augmented.js');
    assert.deepStrictEqual(result.findings.map((f) => f.message), []);
  });

  it('says nothing about type names against an untyped entry file (type-only, or in TypeScript)', async () => {
    const result = await check('types-of-untyped.ts');
    assert.deepStrictEqual(result.findings.map((f) => f.message), []);
  });

  it('keeps the signature and version of a checked name for hover', async () => {
    const result = await check('real.js');
    const parse = result.apis?.find((a) => a.name === 'parse');
    assert.strictEqual(parse?.version, '2.1.0');
    assert.match(parse?.signature ?? '', /parse: \(text: string\) => Record<string, unknown>/);
  });
});

describe('export tables a published version cannot give', () => {
  // svelte 5's types are all `declare module` blocks: no table can be read from them. That answer
  // holds for the version, so a second run must not unpack and read the package again.
  const root = path.resolve(__dirname, '../../../test/fixtures/tableless-package');
  const config: NpmConfig = { options: { registry: 'http://127.0.0.1:9/' }, sources: [], privateScopes: [], withheldCredentials: [], ignoredProjectKeys: [] };
  const query = { kind: 'package', specifier: 'ambient-only', name: 'ambient-only', subpath: '', registryName: 'ambient-only', fromFile: '/app/src/a.ts', installed: false, range: '^5.0.0', config, registryAllowed: true } as const;
  const source = (fetched: string[], fail?: Error): TarballSource => ({
    resolveVersion: async () => '5.0.0',
    versions: async () => ({ versions: ['5.0.0'], latest: '5.0.0' }),
    fetch: async (name, version) => {
      fetched.push(`${name}@${version}`);
      if (fail) throw fail;
      const dir = path.join(root, 'node_modules', name);
      return { name, version, root, dir, hasDeclarations: true, files: { read: (rel) => nodeFileSystem.readFile(path.join(dir, rel)) } };
    },
  });
  const tablesOver = (cacheDir: string, tarballs: TarballSource) => new ExportTables({ fs: nodeFileSystem, logger: silentLogger, tarballs, cacheDir });

  it('is remembered on disk, so the next run does not fetch it again; a fetch that failed is not', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-tableless-'));
    try {
      const fetched: string[] = [];
      const first = tablesOver(cacheDir, source(fetched));
      assert.strictEqual(await first.tableFor(query), undefined);
      assert.deepStrictEqual(fetched, ['ambient-only@5.0.0']);
      first.flush();
      assert.strictEqual(await tablesOver(cacheDir, source(fetched)).tableFor(query), undefined);
      assert.deepStrictEqual(fetched, ['ambient-only@5.0.0'], 'the second run fetched the package again');

      // A network failure says nothing about the version: the next run asks again.
      const other = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-tableless-'));
      const failed: string[] = [];
      const offline = tablesOver(other, source(failed, Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })));
      assert.strictEqual(await offline.tableFor(query), undefined);
      offline.flush();
      assert.strictEqual(await tablesOver(other, source(failed)).tableFor(query), undefined);
      assert.deepStrictEqual(failed, ['ambient-only@5.0.0', 'ambient-only@5.0.0']);
      fs.rmSync(other, { recursive: true, force: true });
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
