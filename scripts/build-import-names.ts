/**
 * Generates server/data/python-import-names.json: which PyPI distribution provides which top-level
 * import name, from real package metadata rather than a hand-written table.
 *
 * Sources (the output records each one with the date it was read):
 * - Debian's `Contents` index (`apt-get install apt-file && apt-file update`, read with
 *   `apt-helper cat-file`): inside one Debian package, the `*.dist-info`/`*.egg-info` folder under
 *   usr/lib/python3/dist-packages names the PyPI distribution, and the sibling top-level modules
 *   are its import names (python3-django-filters: django_filter-23.1.dist-info + django_filters/).
 * - typeshed's third-party stubs as shipped in the pyright npm package (`npm pack`, nothing
 *   installed): stubs/<distribution>/<package>.
 *
 * Run: npm run import-names (the output is checked in; CI never runs this).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { normalizePythonName } from '../server/src/core/extract/requirements';

const PYRIGHT = 'pyright@1.1.414';
const LISTS = '/var/lib/apt/lists';
const SITE = 'usr/lib/python3/dist-packages/';
/** Top-level folders that packages ship by mistake; they name no import anyone relies on. */
const JUNK = new Set(['tests', 'test', 'testing', 'docs', 'doc', 'examples', 'example', 'scripts', 'benchmarks', 'build', 'src', 'bin', 'data', 'share', 'tools', 'utils', 'lib', 'contrib', 'debian']);
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Source = 'debian' | 'typeshed';
/** import name -> distribution -> sources that say so */
const pairs = new Map<string, Map<string, Set<Source>>>();
/** The same for `namespace.package` (google.protobuf), kept only where the top level is shared. */
const subPairs = new Map<string, Map<string, Set<Source>>>();
/** How a distribution is written back: wheel folder names escape `-` as `_` (PEP 427); case is kept. */
const display = new Map<string, string>();
function add(module: string, name: string, source: Source, into = pairs): void {
  if (!module.split('.').every((m) => IDENT.test(m)) || JUNK.has(module.toLowerCase()) || module.startsWith('__')) return;
  const distribution = normalizePythonName(name);
  if (!display.has(distribution) || source === 'typeshed') display.set(distribution, source === 'debian' ? name.replace(/_/g, '-') : name);
  let dists = into.get(module);
  if (!dists) into.set(module, (dists = new Map()));
  let sources = dists.get(distribution);
  if (!sources) dists.set(distribution, (sources = new Set()));
  sources.add(source);
}

function readDebian(): string {
  const files = fs.readdirSync(LISTS).filter((f) => /_main_Contents-(all|amd64)\.lz4$/.test(f));
  if (files.length === 0) throw new Error(`no Contents index in ${LISTS}: run apt-get install apt-file && apt-file update`);
  /** Debian package -> { distributions (folder names), modules } */
  const byPackage = new Map<string, { dists: Set<string>; modules: Set<string>; subs: Set<string> }>();
  for (const file of files) {
    const text = execFileSync('/usr/lib/apt/apt-helper', ['cat-file', path.join(LISTS, file)], { maxBuffer: 2 ** 31 - 1 }).toString('utf8');
    for (const line of text.split('\n')) {
      if (!line.startsWith(SITE)) continue;
      const space = line.lastIndexOf(' ');
      const rel = line.slice(SITE.length, space).trim();
      const packages = line.slice(space + 1).split(',').map((p) => p.split('/').pop()!);
      const first = rel.split('/')[0];
      for (const pkg of packages) {
        let entry = byPackage.get(pkg);
        if (!entry) byPackage.set(pkg, (entry = { dists: new Set(), modules: new Set(), subs: new Set() }));
        const meta = /^(.+?)-[^-]+\.(dist-info|egg-info)$/.exec(first) ?? /^(.+?)\.egg-info$/.exec(first);
        if (meta) entry.dists.add(meta[1]);
        else if (first.endsWith('.py') && rel === first) entry.modules.add(first.slice(0, -3));
        else if (/\.(so|pyd)$/.test(first) && rel === first) entry.modules.add(first.split('.')[0]);
        else if (rel !== first) {
          entry.modules.add(first);
          const second = rel.split('/')[1].replace(/\.py$/, '');
          if (second !== '__init__' && second !== '__pycache__' && rel.split('/').length > 2 !== rel.endsWith('.py')) entry.subs.add(`${first}.${second}`);
        }
      }
    }
  }
  let used = 0;
  for (const { dists, modules, subs } of byPackage.values()) {
    // Several distributions in one Debian package: which module is whose is not known.
    if (dists.size !== 1) continue;
    const dist = [...dists][0];
    used++;
    for (const m of modules) add(m, dist, 'debian');
    for (const m of subs) add(m, dist, 'debian', subPairs);
  }
  const release = files.map((f) => /dists_([^_]+)_/.exec(f)?.[1]).filter(Boolean);
  return `Debian ${[...new Set(release)].join(', ')} main Contents (${used} packages with one distribution each)`;
}

function readTypeshed(): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-importnames-'));
  try {
    const tgz = execFileSync('npm', ['pack', PYRIGHT, '--silent'], { cwd: tmp, encoding: 'utf8' }).trim().split('\n').pop()!;
    const listing = execFileSync('tar', ['tzf', tgz], { cwd: tmp, encoding: 'utf8', maxBuffer: 2 ** 28 });
    for (const entry of listing.split('\n')) {
      const m = /^package\/dist\/typeshed-fallback\/stubs\/([^/]+)\/([^/]+)/.exec(entry);
      if (!m || m[2] === 'METADATA.toml' || m[2].startsWith('@')) continue;
      add(m[2].replace(/\.pyi$/, ''), m[1], 'typeshed');
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return `typeshed third-party stubs from ${PYRIGHT}`;
}

const today = new Date().toISOString().slice(0, 10);
const sources = { debian: `${readDebian()}, read ${today}`, typeshed: `${readTypeshed()}, read ${today}` };

// Keep what a lookup needs: import names whose distribution is named differently, and the names a
// distribution of the same name provides (a top-level name known to be a real package, so its
// dotted imports are credited to it and not to `<name>-<submodule>`).
const differing: Record<string, [string, string][]> = {};
const sameName: string[] = [];
for (const [module, dists] of [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
  let other = [...dists].filter(([d]) => normalizePythonName(d) !== normalizePythonName(module));
  if (other.length < dists.size) {
    sameName.push(module);
    // Many others beside a same-name distribution ship plugins into its package (twisted/plugins/).
    if (other.length >= 3) other = [];
  }
  if (other.length > 0) differing[module] = other.sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([d, s]) => [display.get(d)!, [...s].sort().map((x) => x[0]).join('')]);
}
// Namespace packages (a top level that three or more distributions share, none of that name):
// their second level says which distribution it is (google.protobuf -> protobuf).
for (const [sub, dists] of subPairs) {
  const top = pairs.get(sub.split('.')[0]);
  if (!top || top.size < 3 || sameName.includes(sub.split('.')[0]) || dists.size > 2) continue;
  const other = [...dists].filter(([d]) => normalizePythonName(d) !== normalizePythonName(sub));
  if (other.length > 0) differing[sub] = other.sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([d, s]) => [display.get(d)!, [...s].sort().map((x) => x[0]).join('')]);
}

const out = path.resolve(__dirname, '..', '..', 'server', 'data', 'python-import-names.json');
fs.writeFileSync(
  out,
  JSON.stringify({
    about: 'Generated by scripts/build-import-names.ts. `imports`: import name (or namespace.package) -> [distribution, sources] where sources letters are d (Debian) and t (typeshed). `sameName`: import names provided by a distribution of the same name.',
    sources,
    imports: differing,
    sameName,
  }) + '\n',
);
console.log(`wrote ${path.relative(process.cwd(), out)}: ${Object.keys(differing).length} import names with differently named distributions, ${sameName.length} same-name; ${sources.debian}; ${sources.typeshed}`);
