/**
 * A Python environment read statically: `*.dist-info` and `*.egg-info` folders in site-packages.
 * `top_level.txt` and `RECORD` say which import names each distribution provides. Nothing is run.
 */
import * as path from 'path';
import type { FileSystem } from '../../io';
import { normalizePythonName } from '../../extract/requirements';

export interface PythonEnvironment {
  dir: string;
  /** The interpreter inside it (for the install command). */
  python: string;
  /** Import name -> normalised distribution names. */
  imports: Map<string, Set<string>>;
  /** Installed distributions, normalised. */
  distributions: Set<string>;
}

export function sitePackagesDirs(fs: FileSystem, envDir: string): string[] {
  const dirs: string[] = [];
  for (const lib of ['lib', 'lib64']) {
    for (const entry of fs.readDir(path.join(envDir, lib))) {
      if (/^python\d/.test(entry)) dirs.push(path.join(envDir, lib, entry, 'site-packages'));
    }
  }
  dirs.push(path.join(envDir, 'Lib', 'site-packages')); // Windows
  return dirs.filter((d) => fs.isDirectory(d));
}

export function readEnvironment(fs: FileSystem, envDir: string): PythonEnvironment | undefined {
  const sites = sitePackagesDirs(fs, envDir);
  if (sites.length === 0) return undefined;
  const imports = new Map<string, Set<string>>();
  const distributions = new Set<string>();
  const provide = (module: string, dist: string) => {
    if (!module || module === '__pycache__' || module.endsWith('-info') || module.includes('..')) return;
    let set = imports.get(module);
    if (!set) imports.set(module, (set = new Set()));
    set.add(dist);
  };
  for (const site of sites) {
    for (const entry of fs.readDir(site)) {
      const meta = /^(.+?)-[^-]+\.(dist-info|egg-info)$/.exec(entry);
      if (!meta) {
        // A bare module or package (no metadata, e.g. vendored into site-packages): importable all the same.
        if (entry.endsWith('.py')) provide(entry.slice(0, -3), '');
        else if (!entry.includes('.') && fs.isDirectory(path.join(site, entry))) provide(entry, '');
        continue;
      }
      const infoDir = path.join(site, entry);
      const nameLine = (fs.readFile(path.join(infoDir, meta[2] === 'dist-info' ? 'METADATA' : 'PKG-INFO')) ?? '').split('\n').find((l) => l.startsWith('Name:'));
      const dist = normalizePythonName(nameLine ? nameLine.slice(5).trim() : meta[1]);
      distributions.add(dist);
      for (const line of (fs.readFile(path.join(infoDir, 'top_level.txt')) ?? '').split('\n')) provide(line.trim().split('/')[0], dist);
      for (const line of (fs.readFile(path.join(infoDir, 'RECORD')) ?? '').split('\n')) {
        const file = line.split(',')[0];
        if (!file || file.startsWith('../')) continue;
        // `yaml/__init__.py` -> yaml, `six.py` -> six, `_cffi.cpython-311-x86_64-linux-gnu.so` -> _cffi
        const first = file.split('/')[0];
        const module = first.endsWith('.py') ? first.slice(0, -3) : /\.(so|pyd)$/.test(first) ? first.split('.')[0] : first.includes('.') ? '' : first;
        provide(module, dist);
      }
    }
  }
  // A folder or module with no metadata counts only where no distribution claims it.
  for (const dists of imports.values()) if (dists.size > 1) dists.delete('');
  const bin = fs.exists(path.join(envDir, 'bin', 'python')) ? path.join(envDir, 'bin', 'python') : path.join(envDir, 'Scripts', 'python.exe');
  return { dir: envDir, python: bin, imports, distributions };
}

/**
 * Candidate environments, in the order they are preferred: the configured one, a `.venv`/`venv`/
 * `env`/`.env` in the file's folder or any folder above it up to the tree's top (nearest first),
 * then the activated one (VIRTUAL_ENV, CONDA_PREFIX).
 */
export function findEnvironmentDirs(fs: FileSystem, searchDirs: string[], env: NodeJS.ProcessEnv, configured: string | undefined, root: string): string[] {
  const dirs: string[] = [];
  if (configured) {
    // An interpreter path (`.venv/bin/python`) or the environment itself.
    const dir = /python[\d.]*(\.exe)?$/i.test(path.basename(configured)) ? path.dirname(path.dirname(configured)) : configured;
    dirs.push(path.isAbsolute(dir) ? dir : path.join(root, dir));
  }
  for (const folder of searchDirs) {
    for (const name of ['.venv', 'venv', 'env', '.env']) {
      const dir = path.join(folder, name);
      if (fs.exists(path.join(dir, 'pyvenv.cfg'))) dirs.push(dir);
    }
  }
  if (env.VIRTUAL_ENV) dirs.push(env.VIRTUAL_ENV);
  if (env.CONDA_PREFIX) dirs.push(env.CONDA_PREFIX);
  return [...new Set(dirs)];
}
