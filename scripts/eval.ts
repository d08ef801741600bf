/**
 * `npm run eval [-- --npm-only | --pypi-only] [--pypi-index URL]`: runs names that language models
 * made up through the product's real lookup path and reports how many are flagged. Reads
 * ../shared/eval (never copied into the repository); not part of `npm test`.
 *
 * - npm: every name in npm-hallucinated-strict.txt, imported from a document, against the live
 *   registry of your npm configuration.
 * - PyPI: the names in pypi-hallucinated-strict.txt (as requirements), the 131 model responses in
 *   code-samples/python (expected made-up imports per file in python-manifest.tsv: misses and any
 *   other import flagged are listed), and the import-name traps, none of which may be flagged when
 *   the real distribution is installed or declared. The index is --pypi-index, else the 2026-11
 *   snapshot of PyPI's names (../shared/data/pypi-names.tsv) served as a PEP 691 Simple API on
 *   loopback, since PyPI itself may be out of reach: every lookup still goes through the HTTP client.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createCore, type Core } from '../server/src/core';
import { neverCancelled, stderrLogger } from '../server/src/core/io';
import { normalizeSettings, type GroundcheckSettings } from '../server/src/core/config/settings';
import { SHARED, snapshotIndex } from './support/pypiSnapshot';
import type { Finding } from '../server/src/core/model';

const EVAL = path.join(SHARED, 'eval');

function readLines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

function tsv(file: string): Record<string, string>[] {
  const [head, ...rows] = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const cols = head.split('\t');
  return rows.map((r) => Object.fromEntries(r.split('\t').map((v, i) => [cols[i], v])));
}

const pct = (n: number, of: number) => `${((100 * n) / Math.max(1, of)).toFixed(1)}%`;

async function checkText(core: Core, file: string, text: string, settings: GroundcheckSettings, languageId?: string): Promise<Finding[]> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return (await core.checker.checkDocument({ path: file, text, languageId }, settings, neverCancelled)).findings;
}

async function evalNpm(core: Core, dir: string): Promise<void> {
  const names = readLines(path.join(EVAL, 'npm-hallucinated-strict.txt'));
  const settings = normalizeSettings({});
  const outcome = new Map<string, string>();
  const started = Date.now();
  for (let i = 0; i < names.length; i += 50) {
    const chunk = names.slice(i, i + 50);
    // One import per line, exactly as an assistant would write them.
    const findings = await checkText(core, path.join(dir, 'npm', `batch-${i}.ts`), chunk.map((n, j) => `import m${j} from ${JSON.stringify(n)};`).join('\n'), settings);
    const byLine = new Map(findings.map((f) => [f.range.start.line, f.code]));
    chunk.forEach((n, j) => outcome.set(n, byLine.get(j) ?? 'not-flagged'));
    process.stderr.write(`\rnpm ${Math.min(i + 50, names.length)}/${names.length}`);
  }
  process.stderr.write('\n');
  const count = (code: string) => [...outcome.values()].filter((c) => c === code).length;
  console.log(`\n## npm: npm-hallucinated-strict.txt (${names.length} names), live registry, ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  console.log('| outcome | names | share |\n|---|---:|---:|');
  for (const code of ['missing-package', 'unverified-package', 'not-flagged']) console.log(`| ${code} | ${count(code)} | ${pct(count(code), names.length)} |`);
  const config = core.checker.projects.npmConfigFor(core.checker.projects.npm.forFile(path.join(dir, "npm", "batch-0.ts")), settings);
  const notFlagged = names.filter((n) => outcome.get(n) === 'not-flagged');
  console.log(`\nNot flagged, and published on the registry now (registered since collection): ${notFlagged.filter((n) => core.lookup.peek(n, config)?.status === 'exists').map((n) => `${n}@${core.lookup.peek(n, config)?.latest}`).join(', ') || 'none'}`);
  console.log(`Not flagged for another reason (not an npm name, builtin, local): ${notFlagged.filter((n) => core.lookup.peek(n, config)?.status !== 'exists').join(', ') || 'none'}`);
}

/**
 * The same made-up names where they get installed: one `npm install <name>` / `pip install <name>`
 * per line of a README's shell block, and npm names as package.json dependencies. Counted by the
 * line (or the dependency) each finding sits on.
 */
async function evalInstallCommands(core: Core, dir: string, indexUrl: string): Promise<void> {
  const settings = normalizeSettings({ python: { indexUrl } });
  const npmNames = readLines(path.join(EVAL, 'npm-hallucinated-strict.txt'));
  const pypiNames = readLines(path.join(EVAL, 'pypi-hallucinated-strict.txt'));
  const rows: [string, number, number][] = [];
  for (const [label, names, command] of [['npm names as `npm install` in README.md', npmNames, 'npm install'], ['PyPI names as `pip install` in README.md', pypiNames, 'pip install']] as const) {
    let flagged = 0;
    for (let i = 0; i < names.length; i += 100) {
      const chunk = names.slice(i, i + 100);
      const text = '# Setup\n\n```bash\n' + chunk.map((n) => `${command} ${n}`).join('\n') + '\n```\n';
      const findings = await checkText(core, path.join(dir, 'install', command.replace(' ', '-'), `b${i}`, 'README.md'), text, settings, 'markdown');
      flagged += new Set(findings.filter((f) => f.code === 'missing-package').map((f) => f.range.start.line)).size;
      process.stderr.write(`\r${command} ${Math.min(i + 100, names.length)}/${names.length}`);
    }
    process.stderr.write('\n');
    rows.push([label, flagged, names.length]);
  }
  let manifestFlagged = 0;
  for (let i = 0; i < npmNames.length; i += 100) {
    const chunk = npmNames.slice(i, i + 100);
    const manifest = JSON.stringify({ name: 'eval-manifest', version: '1.0.0', private: true, dependencies: Object.fromEntries(chunk.map((n) => [n, '*'])) }, null, 2);
    const findings = await checkText(core, path.join(dir, 'manifest', `b${i}`, 'package.json'), manifest, settings, 'json');
    manifestFlagged += new Set(findings.filter((f) => f.code === 'missing-package').map((f) => f.range.start.line)).size;
  }
  rows.push(['npm names as package.json dependencies', manifestFlagged, npmNames.length]);
  console.log('\n## Where they get installed: install commands and manifests\n');
  console.log('| names | flagged missing-package | share |\n|---|---:|---:|');
  for (const [label, flagged, total] of rows) console.log(`| ${label} | ${flagged} of ${total} | ${pct(flagged, total)} |`);
}

async function evalPypi(core: Core, dir: string, indexUrl: string, label: string): Promise<void> {
  const settings = normalizeSettings({ python: { indexUrl } });
  console.log(`\n## PyPI (index: ${label})`);

  // 1. Names, as requirements.
  const names = readLines(path.join(EVAL, 'pypi-hallucinated-strict.txt'));
  const outcome = new Map<string, string>();
  for (let i = 0; i < names.length; i += 100) {
    const chunk = names.slice(i, i + 100);
    const findings = await checkText(core, path.join(dir, 'pypi-names', `b${i}`, 'requirements.txt'), chunk.join('\n') + '\n', settings, 'pip-requirements');
    const byLine = new Map(findings.map((f) => [f.range.start.line, f.code]));
    chunk.forEach((n, j) => outcome.set(n, byLine.get(j) ?? 'not-flagged'));
    process.stderr.write(`\rpypi names ${Math.min(i + 100, names.length)}/${names.length}`);
  }
  process.stderr.write('\n');
  const count = (code: string) => [...outcome.values()].filter((c) => c === code).length;
  console.log(`\n### pypi-hallucinated-strict.txt (${names.length} names, as requirements)\n`);
  console.log('| outcome | names | share |\n|---|---:|---:|');
  for (const code of ['missing-package', 'unverified-package', 'not-flagged']) console.log(`| ${code} | ${count(code)} | ${pct(count(code), names.length)} |`);
  console.log(`\nNot flagged (the name exists on the index): ${names.filter((n) => outcome.get(n) === 'not-flagged').join(', ') || 'none'}`);

  // 2. The model responses.
  const manifest = tsv(path.join(EVAL, 'code-samples', 'python-manifest.tsv'));
  let expected = 0;
  let caught = 0;
  const misses: string[] = [];
  const others: string[] = [];
  for (const row of manifest) {
    const file = path.join(EVAL, 'code-samples', 'python', row.file);
    const want = (row.expected_nonexistent_imports ?? '').split(/[,;\s]+/).filter(Boolean);
    const findings = await checkText(core, path.join(dir, 'samples', row.file.replace(/\.py$/, ''), 'main.py'), fs.readFileSync(file, 'utf8'), settings, 'python');
    const flagged = new Set(findings.filter((f) => f.code === 'missing-package').map((f) => f.data.packageName));
    expected += want.length;
    for (const w of want) {
      if (flagged.has(w.split('.')[0])) caught++;
      else misses.push(`${row.file}: ${w}`);
    }
    for (const f of flagged) if (!want.some((w) => w.split('.')[0] === f)) others.push(`${row.file}: ${f}`);
  }
  console.log(`\n### code-samples/python (${manifest.length} responses, ${expected} expected made-up imports)\n`);
  console.log(`| flagged | missed | other imports flagged |\n|---:|---:|---:|\n| ${caught} (${pct(caught, expected)}) | ${misses.length} | ${others.length} |`);
  if (misses.length) console.log(`\nMissed: ${misses.join('; ')}`);
  if (others.length) console.log(`\nOther imports flagged (each is either a further made-up import or a false positive): ${others.join('; ')}`);

  // 3. Import-name traps: the real distribution declared, then installed; neither may be flagged.
  const traps = tsv(path.join(EVAL, 'pypi-import-name-traps.tsv'));
  const flaggedWhen = { declared: [] as string[], installed: [] as string[] };
  for (const [i, t] of traps.entries()) {
    const module = t.name_in_hallucinated_list.replace(/-/g, '_');
    const dist = t.likely_real_distribution;
    const text = `import ${module}\n`;
    if (dist && dist !== '-') {
      const declared = path.join(dir, 'traps-declared', String(i));
      fs.mkdirSync(declared, { recursive: true });
      fs.writeFileSync(path.join(declared, 'requirements.txt'), `${dist}\n`);
      const f = await checkText(core, path.join(declared, 'main.py'), text, settings, 'python');
      if (f.some((x) => x.code === 'missing-package')) flaggedWhen.declared.push(`${module} (${dist})`);
    }
    // Installed: a virtualenv whose RECORD lists the module, as pip writes it.
    const installed = path.join(dir, 'traps-installed', String(i));
    const info = path.join(installed, '.venv', 'lib', 'python3.12', 'site-packages', `${(dist && dist !== '-' ? dist : module).replace(/-/g, '_')}-1.0.dist-info`);
    fs.mkdirSync(info, { recursive: true });
    fs.writeFileSync(path.join(installed, '.venv', 'pyvenv.cfg'), 'version = 3.12.0\n');
    fs.writeFileSync(path.join(info, 'METADATA'), `Metadata-Version: 2.1\nName: ${dist && dist !== '-' ? dist : module}\nVersion: 1.0\n`);
    fs.writeFileSync(path.join(info, 'RECORD'), `${module}/__init__.py,,\n`);
    const f = await checkText(core, path.join(installed, 'main.py'), text, settings, 'python');
    if (f.some((x) => x.code === 'missing-package')) flaggedWhen.installed.push(module);
  }
  const withDist = traps.filter((t) => t.likely_real_distribution && t.likely_real_distribution !== '-').length;
  console.log(`\n### pypi-import-name-traps.tsv (${traps.length} import names of real distributions)\n`);
  console.log(`| flagged while the distribution is declared | flagged while it is installed |\n|---:|---:|\n| ${flaggedWhen.declared.length} of ${withDist} | ${flaggedWhen.installed.length} of ${traps.length} |`);
  if (flaggedWhen.declared.length) console.log(`\nFlagged while declared: ${flaggedWhen.declared.join(', ')}`);
  if (flaggedWhen.installed.length) console.log(`\nFlagged while installed: ${flaggedWhen.installed.join(', ')}`);
}

async function main(): Promise<void> {
  if (!fs.existsSync(EVAL)) {
    console.error(`eval data not found at ${EVAL} (it lives in ../shared/eval beside the repository)`);
    process.exit(2);
  }
  const args = process.argv.slice(2);
  const at = args.indexOf('--pypi-index');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-eval-'));
  // An isolated environment: no machine pip.conf, no virtualenv of the caller's.
  const env = { ...process.env, PIP_CONFIG_FILE: '/dev/null', VIRTUAL_ENV: '', CONDA_PREFIX: '' };
  const core = createCore({ logger: stderrLogger(false), cacheDir: path.join(dir, 'cache'), concurrency: 12, timeoutMs: 15_000, env });
  if (!args.includes('--pypi-only')) await evalNpm(core, dir);
  if (!args.includes('--npm-only')) {
    if (at >= 0 && args[at + 1]) {
      await evalPypi(core, dir, args[at + 1], args[at + 1]);
      if (!args.includes('--pypi-only')) await evalInstallCommands(core, dir, args[at + 1]);
    } else {
      const index = await snapshotIndex();
      try {
        await evalPypi(core, dir, index.url, 'the 2026-11 snapshot of PyPI names served as a Simple API on loopback');
        if (!args.includes('--pypi-only')) await evalInstallCommands(core, dir, index.url);
      } finally {
        await index.close();
      }
    }
  }
  core.lookup.flush();
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
