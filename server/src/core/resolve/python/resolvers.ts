/**
 * Local resolution of Python imports as a chain of small plug-ins, the same shape as the
 * JavaScript side's (resolve/resolvers.ts): each settles an import as local (saying why) or passes.
 * Whatever none settles goes to the package index. Each plug-in names the files its answer depends
 * on; the language server watches exactly those (see watchedFiles.ts).
 */
import * as path from 'path';
import type { FileSystem } from '../../io';
import { normalizePythonName } from '../../extract/requirements';
import { isStdlibModule } from './stdlib';
import { candidateDistributions } from './importNames';
import { isLocalModule, providingDistribution, type PythonProjectInfo } from './project';

export interface PythonResolveContext {
  fs: FileSystem;
  file: string;
  /** The dotted module as written (`numpy.linalg`). */
  module: string;
  top: string;
  relative: boolean;
  project: PythonProjectInfo;
}

export interface PythonResolver {
  name: string;
  /** Globs of the files whose change alters this plug-in's answers. */
  reads: readonly string[];
  /** Why the import is local, or undefined to pass. */
  resolve(ctx: PythonResolveContext): string | undefined;
}

const DEPENDENCY_FILES = '**/{requirements*.txt,*requirements.txt,requirements/*.{txt,in},pyproject.toml,setup.cfg,setup.py,Pipfile,tox.ini,noxfile.py,environment.yml,environment.yaml}';

export const relativeImportResolver: PythonResolver = {
  name: 'relative',
  reads: [],
  resolve: (ctx) => (ctx.relative ? 'relative import' : undefined),
};

export const stdlibResolver: PythonResolver = {
  name: 'stdlib',
  reads: [],
  resolve: (ctx) => (ctx.top === '__future__' || isStdlibModule(ctx.top) ? 'standard library' : undefined),
};

export const environmentResolver: PythonResolver = {
  name: 'environment',
  reads: ['**/pyvenv.cfg', '**/*.dist-info/RECORD', '**/*.egg-info/top_level.txt'],
  resolve: (ctx) => (ctx.project.environment?.imports.has(ctx.top) ? `installed in ${path.basename(ctx.project.environment.dir)}` : undefined),
};

/** The project's own name and its packages (`[project].name`, setup.py's name, maturin's python-source). */
export const ownProjectResolver: PythonResolver = {
  name: 'own-project',
  reads: ['**/{pyproject.toml,setup.cfg,setup.py}'],
  resolve: (ctx) => (ctx.project.ownNames.has(ctx.top.toLowerCase()) ? "the project's own package" : undefined),
};

/** A module or package beside the file, above it up to the project root, or under src/ and lib/. */
export const workspaceModuleResolver: PythonResolver = {
  name: 'workspace-modules',
  reads: [],
  resolve: (ctx) => (isLocalModule(ctx.fs, ctx.file, ctx.project.root, ctx.top) ? 'project module' : undefined),
};

/**
 * A module or package of that name anywhere in the checked tree (outside vendored and environment
 * folders): test apps, a top-level package without marker files, a namespace package.
 */
export const treeModuleResolver: PythonResolver = {
  name: 'tree-modules',
  reads: [],
  resolve: (ctx) => (ctx.project.treeModules.has(ctx.top) ? 'module in the project tree' : undefined),
};

/**
 * A declared (not installed) distribution whose name shares the import's words
 * (`strawberry_django` from strawberry-graphql-django, `st_aggrid` from streamlit-aggrid) when no
 * candidate distribution is itself declared: it is what provides the import, so it is not made up.
 * (A declared candidate goes on to the index: its existence is still confirmed.)
 */
export const declaredProviderResolver: PythonResolver = {
  name: 'declared-providers',
  reads: [DEPENDENCY_FILES],
  resolve(ctx) {
    const { declared, treeDeclared } = ctx.project;
    if (candidateDistributions(ctx.module).some((c) => declared.has(normalizePythonName(c)) || treeDeclared.has(normalizePythonName(c)))) return undefined;
    const provider = providingDistribution([...declared.keys(), ...treeDeclared], ctx.top);
    return provider ? `provided by the declared ${provider}` : undefined;
  },
};

/** Files a tool runs itself and that import that tool: nox runs noxfile.py (which need not declare nox). */
const RUNNER_FILES: Record<string, readonly string[]> = { 'noxfile.py': ['nox'], 'fabfile.py': ['fabric'], 'dodo.py': ['doit'] };

export const toolRunnerResolver: PythonResolver = {
  name: 'tool-runners',
  reads: [],
  resolve: (ctx) => (RUNNER_FILES[path.basename(ctx.file)]?.includes(ctx.top) ? `provided by the tool that runs ${path.basename(ctx.file)}` : undefined),
};

/** The chain, cheapest and surest first. */
export const PYTHON_RESOLVERS: readonly PythonResolver[] = [
  relativeImportResolver,
  stdlibResolver,
  environmentResolver,
  ownProjectResolver,
  workspaceModuleResolver,
  treeModuleResolver,
  declaredProviderResolver,
  toolRunnerResolver,
];

/** Runs the chain: why the import is local, or undefined when the package index must be asked. */
export function resolvePythonLocally(ctx: PythonResolveContext, resolvers: readonly PythonResolver[] = PYTHON_RESOLVERS): string | undefined {
  for (const r of resolvers) {
    const via = r.resolve(ctx);
    if (via) return via;
  }
  return undefined;
}

/** The files every plug-in depends on (for the language server's watchers). */
export const PYTHON_RESOLVER_FILES: readonly string[] = [...new Set(PYTHON_RESOLVERS.flatMap((r) => r.reads))];
