/**
 * What the Python resolver knows about the project around a file: its root, the distributions it
 * declares (requirements files with their -r includes, pyproject.toml, setup.cfg, Pipfile), its
 * environment, and how to install into it. Cached per directory until a watched file changes.
 */
import * as path from 'path';
import { ancestors, type FileSystem } from '../../io';
import type { Parser as TSParser } from 'web-tree-sitter';
import { normalizePythonName, parsePipfileNames, parsePyproject, parseRequirementsTxt, parseSetupCfg, parseToxIniNames } from '../../extract/requirements';
import { parseEnvironmentYml, parseNoxfile, parseSetupPy } from '../../extract/pythonDeclarations';
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
  /** Distributions declared by any dependency file anywhere in the tree (docs/requirements.txt, a sub-project's pyproject.toml). */
  treeDeclared: ReadonlySet<string>;
  /** Import names of the project itself ([project].name, setup.py's name, maturin's module-name). */
  ownNames: ReadonlySet<string>;
}

/** The files that declare dependencies, wherever they sit in a tree. */
export function isDeclarationFile(name: string, parentFolder: string): boolean {
  return (
    /^(?:requirements.*|.*[-_.]requirements)\.(?:txt|in)$/.test(name) ||
    (parentFolder === 'requirements' && /\.(?:txt|in)$/.test(name)) ||
    ['pyproject.toml', 'setup.cfg', 'setup.py', 'tox.ini', 'noxfile.py', 'Pipfile', 'environment.yml', 'environment.yaml'].includes(name)
  );
}

const MAX_TREE_DEPTH = 12;
const MAX_TREE_ENTRIES = 200_000;

/**
 * Every module and package name anywhere in a source tree: `tests/test_apps/blueprintapp/`,
 * `e2e_playwright/`, a `python/` folder of a maturin project. Tests and tools put such folders on
 * sys.path (conftest, PYTHONPATH), so an import of one of these names is the project's own code,
 * never a made-up distribution. Environments and vendored folders are left out.
 */
export function treeModules(fs: FileSystem, root: string, declarationFiles: string[] = []): Set<string> {
  const names = new Set<string>();
  let seen = 0;
  /** Whether the folder holds Python anywhere below it. */
  const visit = (dir: string, depth: number): boolean => {
    const entries = fs.readDir(dir);
    seen += entries.length;
    if (seen > MAX_TREE_ENTRIES || entries.includes('pyvenv.cfg')) return false;
    let python = false;
    for (const e of entries) {
      if (isDeclarationFile(e, path.basename(dir))) declarationFiles.push(path.join(dir, e));
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

interface Tree {
  top: string;
  modules: Set<string>;
  declarationFiles: string[];
  declared?: Set<string>;
}

/** What one dependency file declares, whatever its kind (names only, normalised). */
type Declarations = { names: string[]; includes: string[]; ownImportNames: string[]; sourceDirs: string[]; unreadable?: string; declaresDependencies?: boolean };

export class PythonProjectModel {
  private readonly byDir = new Map<string, PythonProjectInfo>();
  private readonly trees = new Map<string, Tree>();
  constructor(private readonly fs: FileSystem, private readonly env: NodeJS.ProcessEnv) {}

  invalidate(): void {
    this.byDir.clear();
    this.trees.clear();
  }

  /** The tree a project sits in: its repository (the folder with .git), else the project itself. */
  private treeOf(root: string): Tree {
    const top = [...ancestors(root)].find((d) => this.fs.exists(path.join(d, '.git'))) ?? root;
    let tree = this.trees.get(top);
    if (!tree) {
      const declarationFiles: string[] = [];
      tree = { top, modules: treeModules(this.fs, top, declarationFiles), declarationFiles };
      this.trees.set(top, tree);
    }
    return tree;
  }

  /**
   * The project around a file. The parser reads setup.py and noxfile.py (literals only); without it
   * those two files are not read.
   */
  forFile(file: string, configuredEnvironment?: string, parser?: TSParser): PythonProjectInfo {
    const dir = path.dirname(file);
    const key = `${dir}\u0000${configuredEnvironment ?? ''}`;
    let info = this.byDir.get(key);
    if (!info) {
      info = this.compute(dir, configuredEnvironment, parser);
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

  /** One dependency file, read by its kind. */
  private declarationsIn(file: string, parser?: TSParser): Declarations | undefined {
    const text = this.fs.readFile(file);
    if (text === undefined) return undefined;
    const base = path.basename(file);
    const none = { includes: [], ownImportNames: [], sourceDirs: [] };
    if (base === 'pyproject.toml') {
      const parsed = parsePyproject(text);
      if ('error' in parsed) return { names: [], ...none, unreadable: parsed.error };
      return {
        // (build requirements included: `import setuptools` in setup.py is declared by them)
        names: parsed.requirements.map((r) => r.normalized), includes: [], ownImportNames: parsed.ownImportNames ?? [], sourceDirs: parsed.sourceDirs ?? [],
        declaresDependencies: /^\s*(dependencies\s*=|\[tool\.poetry\.dependencies\])/m.test(text),
      };
    }
    if (base === 'setup.cfg') {
      const own = /^\[metadata\][^[]*?^name\s*=\s*(\S+)/m.exec(text)?.[1];
      return { names: parseSetupCfg(text).requirements.map((r) => r.normalized), ...none, ownImportNames: own ? [own.replace(/[-.]/g, '_')] : [] };
    }
    if (base === 'tox.ini') {
      const tox = parseToxIniNames(text);
      return { names: tox.names, ...none, includes: tox.includes.map((inc) => path.resolve(path.dirname(file), inc)) };
    }
    if (base === 'Pipfile') return { names: parsePipfileNames(text), ...none };
    if (base === 'environment.yml' || base === 'environment.yaml') return { names: parseEnvironmentYml(text), ...none };
    if (base === 'setup.py') {
      if (!parser) return undefined;
      const setup = parseSetupPy(parser, text);
      return { names: setup.names, ...none, ownImportNames: setup.projectName ? [setup.projectName.replace(/[-.]/g, '_')] : [] };
    }
    if (base === 'noxfile.py') return parser ? { names: parseNoxfile(parser, text), ...none } : undefined;
    const parsed = parseRequirementsTxt(text);
    return { names: parsed.requirements.map((r) => r.normalized), ...none, includes: parsed.includes.map((inc) => path.resolve(path.dirname(file), inc)) };
  }

  /** A file and what it includes (`-r`), depth-limited, each read once. */
  private readWithIncludes(file: string, parser: TSParser | undefined, into: Map<string, string>, seen = new Set<string>(), depth = 0): Declarations | undefined {
    if (seen.has(file) || depth > MAX_INCLUDE_DEPTH) return undefined;
    seen.add(file);
    const found = this.declarationsIn(file, parser);
    if (!found) return undefined;
    for (const name of found.names) if (!into.has(name)) into.set(name, file);
    for (const inc of found.includes) this.readWithIncludes(inc, parser, into, seen, depth + 1);
    return found;
  }

  /** Every distribution any dependency file in the tree declares (read once per tree). */
  private treeDeclared(tree: Tree, parser?: TSParser): Set<string> {
    if (!tree.declared) {
      const names = new Map<string, string>();
      for (const file of tree.declarationFiles) this.readWithIncludes(file, parser, names);
      tree.declared = new Set(names.keys());
    }
    return tree.declared;
  }

  private compute(dir: string, configuredEnvironment: string | undefined, parser: TSParser | undefined): PythonProjectInfo {
    const fs = this.fs;
    const root = this.findRoot(dir);
    const declared = new Map<string, string>();
    const requirementFiles = [
      ...fs.readDir(root).filter((f) => /^requirements.*\.txt$/.test(f)).map((f) => path.join(root, f)),
      ...fs.readDir(path.join(root, 'requirements')).filter((f) => f.endsWith('.txt')).map((f) => path.join(root, 'requirements', f)),
    ];
    const seen = new Set<string>();
    for (const f of requirementFiles) this.readWithIncludes(f, parser, declared, seen);
    const pyprojectFile = path.join(root, 'pyproject.toml');
    const pyproject = this.readWithIncludes(pyprojectFile, parser, declared, seen);
    const unreadableManifest = pyproject?.unreadable ? { file: pyprojectFile, error: pyproject.unreadable } : undefined;
    const ownNames = new Set<string>((pyproject?.ownImportNames ?? []).map((n) => n.toLowerCase()));
    for (const name of ['setup.cfg', 'setup.py', 'tox.ini', 'noxfile.py', 'Pipfile', 'environment.yml', 'environment.yaml']) {
      const found = this.readWithIncludes(path.join(root, name), parser, declared, seen);
      for (const own of found?.ownImportNames ?? []) ownNames.add(own.toLowerCase());
    }
    const tree = this.treeOf(root);
    // maturin's python-source folder holds the project's own package (pydantic-core's python/).
    for (const src of pyproject?.sourceDirs ?? []) for (const e of fs.readDir(path.join(root, src))) if (!e.includes('.') || e.endsWith('.py')) ownNames.add(e.replace(/\.py$/, '').toLowerCase());

    let environment: PythonEnvironment | undefined;
    for (const envDir of findEnvironmentDirs(fs, environmentSearchDirs(dir, tree.top), this.env, configuredEnvironment, root)) {
      environment = readEnvironment(fs, envDir);
      if (environment) break;
    }
    const mainRequirements = requirementFiles.find((f) => path.basename(f) === 'requirements.txt') ?? requirementFiles[0];
    const manifest = pyproject?.declaresDependencies
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
    return {
      root, declared, manifest, environment, installer, unreadableManifest,
      treeModules: tree.modules, treeDeclared: this.treeDeclared(tree, parser), ownNames,
    };
  }
}

/** Folders an environment may sit in for a file: its own, then each one above up to the tree's top (nearest first). */
export function environmentSearchDirs(fromDir: string, top: string): string[] {
  const dirs: string[] = [];
  for (const d of ancestors(fromDir)) {
    dirs.push(d);
    if (d === top || !d.startsWith(top)) break;
  }
  return dirs;
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
