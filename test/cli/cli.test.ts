import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { runCliProcess } from '../support/cli';
import { SimpleIndex } from '../support/simpleIndex';
import { LspClient } from '../support/lspClient';
import { Verdaccio } from '../support/verdaccio';
import { copyFixture, isolatedEnv } from '../support/workspace';
import { USAGE } from '../../server/src/cli/args';

const Ajv = require('ajv-draft-04');
const addFormats = require('ajv-formats');

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  code: string;
  severity: string;
  message: string;
  package: string;
}

describe('groundcheck check (CLI)', function () {
  this.timeout(60_000);
  let registry: Verdaccio;
  let root: string;
  let env: NodeJS.ProcessEnv;
  const cli = (args: string[], cwd = root) => runCliProcess(['check', ...args, '--registry', registry.url], cwd, env);

  before(async () => {
    registry = await Verdaccio.start();
    await Promise.all(['left-pad', 'declared-not-installed', 'lodash'].map((n) => registry.publish(n, '1.0.0')));
    // What the sample's package.json declares (package.json is checked too).
    await Promise.all([registry.publish('express', '4.19.2'), registry.publish('zod', '3.23.8')]);
    root = copyFixture('monorepo');
    env = isolatedEnv(root);
  });
  after(async () => registry?.stop());

  it('exits 1 with compiler-style lines and a summary when a made-up package is imported', async () => {
    const r = await cli(['packages/app/src']);
    assert.strictEqual(r.code, 1, r.stderr);
    assert.match(r.stdout, /^packages\/app\/src\/madeup\.ts:2:24 {2}error {2}'fast-json-parser-v2' does not exist on the npm registry \(http:\/\/127\.0\.0\.1:\d+\/\)\. Did you mean 'fast-json-parse'\? {2}\[missing-package\]$/m);
    assert.match(r.stdout, /5 problems \(4 errors, 1 warning\) in 1 of \d+ files/);
    assert.ok(!r.stdout.includes('\u001b['), 'no colour when stdout is not a terminal');
  });

  it('exits 0 on real imports only, and with --fail-on never', async () => {
    assert.strictEqual((await cli(['packages/app/src/real.ts'])).code, 0);
    assert.strictEqual((await cli(['packages/app/src', '--fail-on', 'never'])).code, 0);
  });

  it('--fail-on warning fails on a warning alone', async () => {
    const dir = copyFixture('sample');
    fs.writeFileSync(path.join(dir, 'src', 'server.ts'), "import leftPad from 'left-pad';\n");
    assert.strictEqual((await cli(['.'], dir)).code, 0);
    assert.strictEqual((await cli(['.', '--fail-on', 'warning'], dir)).code, 1);
  });

  it('exits 2 with a clear message for usage, missing paths and bad configuration', async () => {
    const usage = await cli(['--format', 'xml']);
    assert.strictEqual(usage.code, 2);
    assert.match(usage.stderr, /--format must be one of text, json, sarif/);
    const missing = await cli(['no/such/dir']);
    assert.strictEqual(missing.code, 2);
    assert.match(missing.stderr, /no such file or directory/);
    const bad = copyFixture('sample');
    fs.writeFileSync(path.join(bad, 'groundcheck.json'), '{ "allow": ["x"], "severty": {} }');
    const config = await cli(['.'], bad);
    assert.strictEqual(config.code, 2);
    assert.match(config.stderr, /unknown key "severty"/);
    assert.strictEqual(config.stdout, '');
  });

  it('writes valid SARIF 2.1.0 with rules, help URIs, regions and fingerprints', async () => {
    const r = await cli(['packages/app/src', '--format', 'sarif', '--fail-on', 'never']);
    assert.strictEqual(r.code, 0, r.stderr);
    const sarif = JSON.parse(r.stdout);
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'));
    assert.ok(validate(sarif), JSON.stringify(validate.errors, null, 2));
    const run = sarif.runs[0];
    assert.deepStrictEqual(run.tool.driver.rules.map((rule: { id: string }) => rule.id), ['missing-package', 'missing-version', 'undeclared-dependency', 'unverified-package', 'missing-export', 'export-in-other-version', 'suspicious-package', 'manifest-unreadable', 'lockfile-source', 'lockfile-integrity', 'check-failed']);
    assert.ok(run.tool.driver.rules.length > 0, 'an empty list would pass every check');
    assert.ok(run.tool.driver.rules.every((rule: { helpUri: string }) => rule.helpUri.startsWith('https://')));
    assert.strictEqual(run.results.length, 5);
    const result = run.results.find((x: { message: { text: string } }) => x.message.text.startsWith("'lodahs'"));
    assert.strictEqual(result.ruleId, 'missing-package');
    assert.strictEqual(result.level, 'error');
    assert.deepStrictEqual(result.locations[0].physicalLocation.artifactLocation, { uri: 'packages/app/src/madeup.ts', uriBaseId: '%SRCROOT%' });
    assert.deepStrictEqual(result.locations[0].physicalLocation.region, { startLine: 3, startColumn: 29, endLine: 3, endColumn: 41 });
    const prints = run.results.map((x: { partialFingerprints: Record<string, string> }) => x.partialFingerprints['groundcheck/v1']);
    assert.strictEqual(new Set(prints).size, prints.length, 'fingerprints are distinct');
  });

  it('--output writes the report to a file and nothing to stdout', async () => {
    const out = path.join(root, 'report.json');
    const r = await cli(['packages/app/src', '--format', 'json', '-o', out]);
    assert.strictEqual(r.code, 1);
    assert.strictEqual(r.stdout, '');
    const json = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.strictEqual(json.version, 1);
    assert.strictEqual(json.summary.errors, 4);
    assert.ok(!fs.readdirSync(root).some((f) => f.endsWith('.tmp')));
  });

  it('respects .gitignore, skips node_modules and vendored code, and notes files too large to check', async () => {
    const dir = copyFixture('sample');
    execFileSync('git', ['init', '-q'], { cwd: dir });
    fs.writeFileSync(path.join(dir, '.gitignore'), 'generated/\n');
    for (const sub of ['generated', 'node_modules/x', 'vendor']) {
      fs.mkdirSync(path.join(dir, sub), { recursive: true });
      fs.writeFileSync(path.join(dir, sub, 'index.js'), "require('ignored-made-up-zz');\n");
    }
    fs.writeFileSync(path.join(dir, 'src', 'big.js'), `require('big-made-up-zz');\n${'//'.padEnd(100, 'x')}\n`.repeat(110_000));
    const r = await runCliProcess(['check', '--format', 'json', '--registry', registry.url], dir, env);
    const json = JSON.parse(r.stdout);
    assert.ok(!json.findings.some((f: JsonFinding) => f.package.includes('made-up-zz')), r.stdout);
    assert.deepStrictEqual(json.skipped.map((s: { rel: string }) => s.rel), ['src/big.js']);
    assert.match(json.skipped[0].reason, /over the .* limit/);
    assert.strictEqual(json.summary.filesSkipped, 1);
  });

  it('--changed reports only findings on lines added since the ref', async () => {
    const dir = copyFixture('sample');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: dir });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'base');
    const file = path.join(dir, 'src', 'server.ts');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace("import { format } from './format';", "import { format } from './format';\nimport fresh from 'freshly-made-up-zz';"));
    fs.writeFileSync(path.join(dir, 'src', 'new.ts'), "import other from 'untracked-made-up-zz';\n");
    const r = await runCliProcess(['check', '--changed', 'HEAD', '--format', 'json', '--registry', registry.url], dir, env);
    const packages = JSON.parse(r.stdout).findings.map((f: JsonFinding) => f.package).sort();
    assert.deepStrictEqual(packages, ['freshly-made-up-zz', 'untracked-made-up-zz']);
    assert.strictEqual(r.code, 1);
    const bad = await runCliProcess(['check', '--changed', 'no-such-ref'], dir, env);
    assert.strictEqual(bad.code, 2);
  });

  it('groundcheck.json is honoured by the CLI and the editor alike', async () => {
    const dir = copyFixture('monorepo');
    fs.writeFileSync(path.join(dir, 'groundcheck.json'), '{\n  // shared by the team\n  "allow": ["fast-json-parser-v2"],\n  "severity": { "undeclared-dependency": "error" }\n}\n');
    const r = await runCliProcess(['check', 'packages/app/src/madeup.ts', '--format', 'json', '--registry', registry.url], dir, env);
    const findings: JsonFinding[] = JSON.parse(r.stdout).findings;
    assert.ok(!findings.some((f) => f.package === 'fast-json-parser-v2'));
    assert.strictEqual(findings.find((f) => f.package === 'left-pad')!.severity, 'error');

    fs.writeFileSync(path.join(dir, '.npmrc'), `registry=${registry.url}\n`);
    const client = await LspClient.start({ rootDir: dir, env: isolatedEnv(dir), settings: { debounceMs: 50 } });
    try {
      const file = path.join(dir, 'packages/app/src/madeup.ts');
      const uri = client.open(file, fs.readFileSync(file, 'utf8'));
      const { diagnostics } = await client.waitForVersion(uri, 1);
      assert.ok(!diagnostics.some((d) => d.message.includes('fast-json-parser-v2')));
      assert.strictEqual(diagnostics.find((d) => d.code === 'undeclared-dependency')!.severity, 1);
      // The Allow fix edits groundcheck.json itself, not the editor's settings.
      const lodahs = diagnostics.find((d) => d.message.startsWith("'lodahs'"))!;
      const allow = (await client.codeActions(uri, [lodahs])).find((a) => a.title.startsWith("Allow 'lodahs'"))!;
      assert.strictEqual(allow.title, "Allow 'lodahs' in groundcheck.json");
      const edits = Object.values(allow.edit!.changes!)[0];
      assert.ok(edits.some((e) => e.newText.includes('"lodahs"')));
    } finally {
      await client.stop();
    }
  });

  it('checks Python files and requirements with the same core', async () => {
    const index = await SimpleIndex.start();
    try {
      const dir = copyFixture('python-app');
      const r = await runCliProcess(['check', '.', '--format', 'json', '--index-url', index.url], dir, env);
      const found = (JSON.parse(r.stdout).findings as JsonFinding[]).map((f) => `${f.file}:${f.line} ${f.code} ${f.package}`).sort();
      assert.deepStrictEqual(found, [
        'app/main.py:22 undeclared-dependency pandas',
        'app/main.py:23 missing-package fastapi_utils_v3',
        'app/main.py:26 missing-package pandas_advanced_transform',
        'app/main.py:32 missing-package made_up_plugin_loader',
        'pyproject.toml:7 missing-package httpx-retry-pro',
        'pyproject.toml:8 missing-version numpy',
        'requirements.txt:4 missing-version fastapi',
        'requirements.txt:8 missing-package fastapi-utils-v3',
      ]);
      assert.strictEqual(r.code, 1);
    } finally {
      await index.stop();
    }
  });

  it('a second run answers unchanged files from the parse results it kept, and parses an edited file again', async () => {
    const dir = copyFixture('monorepo');
    const own = isolatedEnv(dir);
    const json = async () => {
      const r = await runCliProcess(['check', 'packages/app/src', '--format', 'json', '--fail-on', 'never', '--registry', registry.url], dir, own);
      assert.strictEqual(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout).findings as JsonFinding[]).map((f) => `${f.file}:${f.line}:${f.column} ${f.code} ${f.message}`).sort();
    };
    const first = await json();
    const kept = path.join(own.XDG_CACHE_HOME!, 'groundcheck', 'derived', 'extracted-v2.jsonl');
    const scripts = (fs.readdirSync(path.join(dir, 'packages/app/src'), { recursive: true }) as string[]).filter((f) => /\.[cm]?[jt]sx?$/.test(f));
    assert.strictEqual(fs.readFileSync(kept, 'utf8').trim().split('\n').length, scripts.length);
    assert.deepStrictEqual(await json(), first);
    // An edit after the first run: its new import is found, not the old parse's answer.
    fs.appendFileSync(path.join(dir, 'packages/app/src/real.ts'), "\nimport { thing } from 'fast-json-parser-v2';\n");
    const edited = await json();
    assert.ok(edited.some((f) => f.startsWith('packages/app/src/real.ts:') && f.includes('missing-package')), edited.join('\n'));
    assert.strictEqual(edited.length, first.length + 1);
  });

  it('reports exactly what the language server publishes on the same files', async () => {
    const dir = copyFixture('monorepo');
    fs.writeFileSync(path.join(dir, '.npmrc'), `registry=${registry.url}\n`);
    const files = ['packages/app/src/madeup.ts', 'packages/app/src/real.ts', 'packages/app/vite.config.ts'];
    const r = await runCliProcess(['check', ...files, '--format', 'json', '--fail-on', 'never'], dir, env);
    const fromCli = (JSON.parse(r.stdout).findings as JsonFinding[]).map((f) => `${f.file}:${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.code} ${f.message}`).sort();

    const client = await LspClient.start({ rootDir: dir, env: isolatedEnv(dir), settings: { debounceMs: 50 } });
    const fromServer: string[] = [];
    try {
      for (const rel of files) {
        const uri = client.open(path.join(dir, rel), fs.readFileSync(path.join(dir, rel), 'utf8'));
        for (const d of (await client.waitForVersion(uri, 1)).diagnostics) {
          fromServer.push(`${rel}:${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${d.code} ${d.message}`);
        }
      }
    } finally {
      await client.stop();
    }
    assert.ok(fromCli.length >= 5);
    assert.deepStrictEqual(fromCli, fromServer.sort());
  });
});

describe('groundcheck --help and the README agree', () => {
  it('every option in the help is in the README options table, and the other way round', () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Command line (CI gate)'), readme.indexOf('**Exit codes**'));
    // The first cell of each row of the options table (cells split on unescaped pipes).
    const firstCells = table.split('\n').filter((l) => l.startsWith('| `')).map((l) => l.split(/(?<!\\)\|/)[1]);
    const documented = new Set(firstCells.flatMap((cell) => [...cell.matchAll(/(?:^|[\s,`])(--?[a-z][a-z-]*)/g)].map((x) => x[1])));
    // The option column of each help line: up to the first run of two spaces.
    const helped = new Set([...USAGE.matchAll(/^ {2}(-.*?)(?: {2,}|$)/gm)].flatMap((m) => [...m[1].matchAll(/(?:^|[\s,])(--?[a-z][a-z-]*)/g)].map((x) => x[1])));
    for (const flag of ['-h', '--help', '-v', '--version']) helped.delete(flag);
    assert.deepStrictEqual([...helped].sort(), [...documented].sort());
  });
});
