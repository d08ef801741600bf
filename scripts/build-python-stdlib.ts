/**
 * Generates server/data/python-stdlib.json: the top-level standard-library modules of each Python
 * from 3.8 to 3.14, from typeshed's stdlib/VERSIONS as shipped in the pyright npm package (fetched
 * with `npm pack`, nothing installed). Run: npm run stdlib (the output is checked in).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const PYRIGHT = 'pyright@1.1.414';
const PYTHONS = ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13', '3.14'];

const minor = (v: string) => Number(v.split('.')[1]);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-stdlib-'));
const tgz = execFileSync('npm', ['pack', PYRIGHT, '--silent'], { cwd: tmp, encoding: 'utf8' }).trim().split('\n').pop()!;
execFileSync('tar', ['xzf', tgz, 'package/dist/typeshed-fallback/stdlib/VERSIONS'], { cwd: tmp });
const versions = fs.readFileSync(path.join(tmp, 'package/dist/typeshed-fallback/stdlib/VERSIONS'), 'utf8');

const byPython: Record<string, string[]> = Object.fromEntries(PYTHONS.map((p) => [p, [] as string[]]));
for (const raw of versions.split('\n')) {
  const line = raw.replace(/#.*/, '').trim();
  if (!line) continue;
  const [module, range] = line.split(':').map((s) => s.trim());
  if (module.includes('.')) continue; // only top-level modules decide whether an import is stdlib
  const [from, to] = range.split('-').map((s) => s.trim());
  for (const p of PYTHONS) {
    if (minor(p) >= minor(from) && (!to || minor(p) <= minor(to))) byPython[p].push(module);
  }
}
// Modules every CPython has that typeshed does not describe as separate stubs.
for (const p of PYTHONS) byPython[p] = [...new Set([...byPython[p], '__main__', 'this', 'antigravity', 'idlelib', 'test', 'ensurepip', 'venv', 'lib2to3'].filter((m) => m !== 'lib2to3' || minor(p) <= 12))].sort();

const out = path.resolve(__dirname, '..', '..', 'server', 'data', 'python-stdlib.json');
fs.writeFileSync(out, JSON.stringify({ source: `typeshed stdlib/VERSIONS from ${PYRIGHT}`, pythons: byPython }, null, 1) + '\n');
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`wrote ${path.relative(process.cwd(), out)}: ${PYTHONS.map((p) => `${p}: ${byPython[p].length}`).join(', ')}`);
