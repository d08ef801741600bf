/**
 * What the Python resolver knows about the project around a file: its root, the distributions it
 * declares (requirements files with their -r includes, pyproject.toml, setup.cfg, Pipfile), its
 * environment, and how to install into it. Cached per directory until a watched file changes.
 */
import * as path from 'path';
import { ancestors, type FileSystem } from '../../io';
import { normalizePythonName, parsePipfileNames, parsePyproject, parseRequirementsTxt, parseSetupCfg, parseToxIniNames } from '../../extract/requirements';
import { NOT_PROJECT_CODE } from '../../notProjectCode';
import { findEnvironmentDirs, readEnvironment, type PythonEnvironment } from './environment';

export type PythonInstaller = 'uv' | 'poetry' | 'pipenv' | 'pip';

export interface PythonProjectInfo {
  root: string;
  /** Normalised distribution name -> the file that declares it. */
  declared: Map<string, string>;
  /** The project's pyproject.toml when it does not parse: what it declares is unknown. */
  unreadableManifest?: { file: string; error: string };
  /** Where a new dependency would be added. */
  manifest?: { file: string; kind: 'requirements' | 'pyproject' };
  environment?: PythonEnvironment;
  installer: PythonInstaller;
  /** Top-level module names found anywhere in the checked tree (see treeModules). */
  treeModules: ReadonlySet<string>;
}

const MAX_TREE_DEPTH = 12;
const MAX_TREE_ENTRIES = 200_000;

/**
 * Every module and package name anywhere in a source tree: `tests/test_apps/blueprintapp/`,
 * `e2e_playwright/`, a `python/` folder of a maturin project. Tests and tools put such folders on
 * sys.path (conftest, PYTHONPATH), so an import of one of these names is the project's own code,
 * never a made-up distribution. Environments and vendored folders are left out.
 */
export function treeModules(fs: FileSystem, root: string): Set<string> {
  const names = new Set<string>();
  let seen = 0;
  /** Whether the folder holds Python anywhere below it. */
  const visit = (dir: string, depth: number): boolean => {
    const entries = fs.readDir(dir);
    seen += entries.length;
    if (seen > MAX_TREE_ENTRIES || entries.includes('pyvenv.cfg')) return false;
    let python = false;
    for (const e of entries) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)\.pyi?$/.exec(e);
      if (m) {
        python = true;
        names.add(m[1]);
      }
    }
    for (const e of entries) {
      if (e.startsWith('.') || NOT_PROJECT_CODE.has(e) || e.includes('.') || depth >= MAX_TREE_DEPTH) continue;
      const sub = path.join(dir, e);
      if (!fs.isDirectory(sub)) continue;
      // A folder with Python inside is a (namespace) package of that name.
      if (visit(sub, depth + 1)) {
        python = true;
        if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(e)) names.add(e);
      }
    }
    return python;
  };
  visit(root, 0);
  return names;
}

const ROOT_MARKERS = ['pyproject.toml', 'setup.py', 'setup.cfg', 'Pipfile', 'requirements.txt', '.git'];
const MAX_INCLUDE_DEPTH = 5;

export class PythonProjectModel {
  private readonly byDir = new Map<string, PythonProjectInfo>();
  private readonly trees = new Map<string, Set<string>>();
  constructor(private readonly fs: FileSystem, private readonly env: NodeJS.ProcessEnv) {}

  invalidate(): void {
    this.byDir.clear();
    this.trees.clear();
  }

  /** The tree a project sits in: its repository (the folder with .git), else the project itself. */
  private treeOf(root: string): Set<string> {
    const top = [...ancestors(root)].find((d) => this.fs.exists(path.join(d, '.git'))) ?? root;
    let names = this.trees.get(top);
    if (!names) {
      names = treeModules(this.fs, top);
      this.trees.set(top, names);
    }
    return names;
  }

  forFile(file: string, configuredEnvironment?: string): PythonProjectInfo {
    const dir = path.dirname(file);
    const key = `${dir}\u0000${configuredEnvironment ?? ''}`;
    let info = this.byDir.get(key);
    if (!info) {
      info = this.compute(dir, configuredEnvironment);
      this.byDir.set(key, info);
    }
    return info;
  }

  private findRoot(fromDir: string): string {
    for (const dir of ancestors(fromDir)) {
      if (ROOT_MARKERS.some((m) => this.fs.exists(path.join(dir, m))) || this.fs.readDir(dir).some((f) => /^requirements.*\.txt$/.test(f))) return dir;
    }
    return fromDir;
  }

  private compute(dir: string, configuredEnvironment?: string): PythonProjectInfo {
    const fs = this.fs;
    const root = this.findRoot(dir);
    const declared = new Map<string, string>();
    const readRequirements = (file: string, depth: number) => {
      const text = fs.readFile(file);
      if (text === undefined || depth > MAX_INCLUDE_DEPTH) return;
      const parsed = parseRequirementsTxt(text);
      for (const r of parsed.requirements) if (!declared.has(r.normalized)) declared.set(r.normalized, file);
      for (const inc of parsed.includes) readRequirements(path.resolve(path.dirname(file), inc), depth + 1);
    };
    const requirementFiles = [
      ...fs.readDir(root).filter((f) => /^requirements.*\.txt$/.test(f)).map((f) => path.join(root, f)),
      ...fs.readDir(path.join(root, 'requirements')).filter((f) => f.endsWith('.txt')).map((f) => path.join(root, 'requirements', f)),
    ];
    for (const f of requirementFiles) readRequirements(f, 0);
    const pyprojectFile = path.join(root, 'pyproject.toml');
    const pyprojectText = fs.readFile(pyprojectFile);
    let pyprojectDeclares = false;
    let unreadableManifest: PythonProjectInfo['unreadableManifest'];
    if (pyprojectText !== undefined) {
      const parsed = parsePyproject(pyprojectText);
      if ('error' in parsed) unreadableManifest = { file: pyprojectFile, error: parsed.error };
      else {
        // (build requirements included: `import setuptools` in setup.py is declared by them)
        for (const r of parsed.requirements) declared.set(r.normalized, pyprojectFile);
        pyprojectDeclares = /^\s*(dependencies\s*=|\[tool\.poetry\.dependencies\])/m.test(pyprojectText);
      }
    }
    const setupCfg = fs.readFile(path.join(root, 'setup.cfg'));
    if (setupCfg !== undefined) for (const r of parseSetupCfg(setupCfg).requirements) declared.set(r.normalized, path.join(root, 'setup.cfg'));
    const toxIni = fs.readFile(path.join(root, 'tox.ini'));
    if (toxIni !== undefined) {
      const tox = parseToxIniNames(toxIni);
      for (const name of tox.names) if (!declared.has(name)) declared.set(name, path.join(root, 'tox.ini'));
      for (const inc of tox.includes) readRequirements(path.resolve(root, inc), 0);
    }
    const pipfile = fs.readFile(path.join(root, 'Pipfile'));
    if (pipfile !== undefined) for (const name of parsePipfileNames(pipfile)) declared.set(name, path.join(root, 'Pipfile'));

    let environment: PythonEnvironment | undefined;
    for (const envDir of findEnvironmentDirs(fs, root, this.env, configuredEnvironment)) {
      environment = readEnvironment(fs, envDir);
      if (environment) break;
    }
    const mainRequirements = requirementFiles.find((f) => path.basename(f) === 'requirements.txt') ?? requirementFiles[0];
    const manifest = pyprojectDeclares
      ? { file: pyprojectFile, kind: 'pyproject' as const }
      : mainRequirements
        ? { file: mainRequirements, kind: 'requirements' as const }
        : undefined;
    const installer: PythonInstaller = fs.exists(path.join(root, 'uv.lock'))
      ? 'uv'
      : fs.exists(path.join(root, 'poetry.lock'))
        ? 'poetry'
        : fs.exists(path.join(root, 'Pipfile'))
          ? 'pipenv'
          : 'pip';
    return { root, declared, manifest, environment, installer, unreadableManifest, treeModules: this.treeOf(root) };
  }
}

/** A module or package of the project itself: beside the file, in a folder above it up to the root, or under src/. */
export function isLocalModule(fs: FileSystem, file: string, root: string, top: string): boolean {
  const dirs: string[] = [];
  for (const dir of ancestors(path.dirname(file))) {
    dirs.push(dir);
    if (dir === root || !dir.startsWith(root)) break;
  }
  dirs.push(path.join(root, 'src'), path.join(root, 'lib'));
  return dirs.some((d) => fs.exists(path.join(d, `${top}.py`)) || fs.exists(path.join(d, `${top}.pyi`)) || fs.isDirectory(path.join(d, top)));
}

const squash = (s: string) => normalizePythonName(s).replace(/-/g, '');

/**
 * Whether a declared (not installed) distribution plausibly provides an import whose name differs:
 * its name contains the import's (`python-engineio` for engineio, `pywinrm` for winrm), the scikit
 * abbreviation (`scikit-fuzzy` for skfuzzy), or every word of the import matches a word of the
 * distribution, one a prefix of the other (`django_filters` from django-filter,
 * `strawberry_django` from strawberry-graphql-django, `social_django` from social-auth-app-django,
 * `st_aggrid` from streamlit-aggrid, `_pytest` from pytest). Used only to avoid calling such an
 * import made up or undeclared; it never makes a finding.
 */
export function declaredProvides(declared: Iterable<string>, top: string): boolean {
  return providingDistribution(declared, top) !== undefined;
}

/** The declared distribution that plausibly provides an import (see declaredProvides). */
export function providingDistribution(declared: Iterable<string>, top: string): string | undefined {
  const want = squash(top);
  if (want.length < 3) return undefined;
  const words = top.replace(/^_+/, '').toLowerCase().split(/[_.]+/).filter(Boolean);
  for (const dist of declared) {
    const d = squash(dist);
    if (d.includes(want) || d.replace(/^scikit/, 'sk').includes(want)) return dist;
    const theirs = normalizePythonName(dist).split('-').filter(Boolean);
    const matches = words.every((w) => theirs.some((t) => t.startsWith(w) || (w.startsWith(t) && t.length >= 4)));
    if (matches && words.some((w) => w.length >= 4)) return dist;
  }
  return undefined;
}
