/**
 * Local resolution as a chain of small plug-ins, tried in order. Each either settles a specifier
 * (returns a Resolution) or passes. Whatever no plug-in settles is a package for the registry.
 */
import * as path from 'path';
import { ancestors, type FileSystem } from '../io';
import type { Resolution } from '../model';
import { matchesDeclaredModule } from './ambientModules';
import { BUNDLER_CONFIG_GLOB, matchesAlias } from './bundlerAliases';
import { mapSpecifier } from './importMaps';
import { isNodeBuiltin } from './builtins';
import { dependencySource } from './manifest';
import type { ProjectInfo } from './project';
import { isPossibleNpmName, parsePackageSpecifier, typesPackageName } from './specifier';
import { fileOrDirectoryExists, matchPathMapping } from './tsconfig';

export interface ResolveContext {
  file: string;
  fs: FileSystem;
  project: ProjectInfo;
  /** `declare module` names from the document itself. */
  declaredModules: string[];
  typeOnly: boolean;
}

export interface Resolver {
  name: string;
  /** Globs of the files whose change alters this plug-in's answers (the language server watches them). */
  reads?: readonly string[];
  resolve(specifier: string, ctx: ResolveContext): Resolution | undefined;
}

const local = (via: string): Resolution => ({ kind: 'local', via });

export const builtinResolver: Resolver = {
  name: 'builtins',
  resolve: (s) => (isNodeBuiltin(s) ? local('Node.js builtin') : undefined),
};

/** Relative and absolute paths, URLs, and protocol-prefixed specifiers (`virtual:`, `astro:`, `bun:`). */
export const pathLikeResolver: Resolver = {
  name: 'paths',
  resolve(s) {
    if (s.startsWith('./') || s.startsWith('../') || s === '.' || s === '..') return local('relative path');
    if (s.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(s) || s.startsWith('\\')) return local('absolute path');
    if (s.startsWith('npm:')) return undefined; // Deno/Bun `npm:` specifiers name a real npm package
    if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s)) return { kind: 'not-a-package', reason: 'a URL or virtual module' };
    return undefined;
  },
};

/** Deno and browser import maps: the mapped target decides (see importMaps.ts). */
export const importMapResolver: Resolver = {
  name: 'import-maps',
  reads: ['**/{deno.json,deno.jsonc,import_map.json}'],
  resolve(s, ctx) {
    const target = mapSpecifier(ctx.project.importMap, s);
    if (target === undefined) return undefined;
    const via = path.basename(ctx.project.importMap!.file);
    if (target.startsWith('npm:')) {
      const parsed = parsePackageSpecifier(target.slice(4).replace(/^\/+/, ''));
      if (!parsed) return { kind: 'not-a-package', reason: `mapped to ${target} by ${via}` };
      const name = stripVersion(parsed.name);
      return { kind: 'package', pkg: { name, subpath: parsed.subpath }, registryName: name };
    }
    if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(target)) return { kind: 'not-a-package', reason: `mapped to ${target} by ${via}` };
    return local(`import map (${via})`);
  },
};

/** package.json `imports` (`#internal/x`); a `#` specifier can never be an npm name either way. */
export const packageImportsResolver: Resolver = {
  name: 'package-imports',
  reads: ['**/package.json'],
  resolve(s, ctx) {
    if (!s.startsWith('#')) return undefined;
    const keys = Object.keys(ctx.project.manifest?.imports ?? {});
    const hit = keys.some((k) => matchesDeclaredModule(s, k));
    return hit ? local('package.json imports') : { kind: 'not-a-package', reason: 'a subpath import (#)' };
  },
};

export const tsconfigPathsResolver: Resolver = {
  name: 'tsconfig-paths',
  reads: ['**/{tsconfig*.json,jsconfig*.json}'],
  resolve(s, ctx) {
    const { mappings, baseUrls } = ctx.project.compilerPaths;
    if (mappings.some((m) => matchPathMapping(ctx.fs, m, s))) return local('tsconfig paths');
    if (baseUrls.some((b) => fileOrDirectoryExists(ctx.fs, path.join(b, s)))) return local('tsconfig baseUrl');
    return undefined;
  },
};

export const declaredModulesResolver: Resolver = {
  name: 'declared-modules',
  reads: ['**/*.d.ts'],
  resolve(s, ctx) {
    const all = [...ctx.declaredModules, ...ctx.project.ambientModules];
    return all.some((d) => matchesDeclaredModule(s, d)) ? local('declare module') : undefined;
  },
};

export const frameworkResolver: Resolver = {
  name: 'frameworks',
  reads: ['**/package.json'],
  resolve(s, ctx) {
    const hit = ctx.project.frameworkPrefixes.find((f) => s === f.prefix.replace(/\/$/, '') || s.startsWith(f.prefix));
    return hit ? local(`provided by ${hit.framework}`) : undefined;
  },
};

export const bundlerAliasResolver: Resolver = {
  name: 'bundler-aliases',
  reads: [BUNDLER_CONFIG_GLOB, '**/.babelrc*'],
  resolve: (s, ctx) => (ctx.project.bundlerAliases.some((a) => matchesAlias(s, a)) ? local('bundler alias') : undefined),
};

/** Anything left that cannot be an npm name (`@/x`, `~/x`, `$lib`) is some tool's alias, not a package. */
export const invalidNameResolver: Resolver = {
  name: 'invalid-names',
  resolve(s) {
    const spec = s.startsWith('npm:') ? s.slice(4) : s;
    const pkg = parsePackageSpecifier(spec);
    if (!pkg || !isPossibleNpmName(stripVersion(pkg.name))) return { kind: 'not-a-package', reason: 'not a valid npm package name' };
    return undefined;
  },
};

export const workspaceResolver: Resolver = {
  name: 'workspaces',
  reads: ['**/{package.json,pnpm-workspace.yaml,lerna.json}'],
  resolve(s, ctx) {
    const pkg = parsePackageSpecifier(s);
    if (!pkg) return undefined;
    if (ctx.project.workspace?.packages.has(pkg.name)) return local('workspace package');
    if (ctx.project.manifest?.name === pkg.name) return local('the package itself');
    return undefined;
  },
};

export function installedDir(fs: FileSystem, fromFile: string, name: string): string | undefined {
  for (const dir of ancestors(path.dirname(fromFile))) {
    // Most folders have no node_modules: one question per folder (answered once by the CLI's
    // snapshot) instead of one per folder and name.
    const modules = path.join(dir, 'node_modules');
    if (fs.exists(modules) && fs.exists(path.join(modules, name))) return path.join(modules, name);
  }
  return undefined;
}

export const nodeModulesResolver: Resolver = {
  name: 'node_modules',
  resolve(s, ctx) {
    const pkg = parsePackageSpecifier(s);
    if (!pkg) return undefined;
    if (installedDir(ctx.fs, ctx.file, pkg.name)) return local('node_modules');
    if (ctx.typeOnly && installedDir(ctx.fs, ctx.file, typesPackageName(pkg.name))) return local('node_modules (@types)');
    return undefined;
  },
};

/**
 * A type-only reference (or any in a TypeScript file, where type-only uses are erased) to a name whose
 * `@types/<name>` is declared: `import type { Node } from 'estree'` with `@types/estree`. The npm
 * package of the bare name (an unrelated `estree`) is not what is meant.
 */
export const declaredTypesResolver: Resolver = {
  name: 'declared-types',
  reads: ['**/package.json'],
  resolve(s, ctx) {
    const pkg = parsePackageSpecifier(s);
    if (!pkg || pkg.name.startsWith('@types/')) return undefined;
    if (!ctx.typeOnly && !/\.[cm]?tsx?$/.test(ctx.file)) return undefined;
    if (ctx.project.declaredSpec(pkg.name) !== undefined) return undefined;
    return ctx.project.declaredSpec(typesPackageName(pkg.name)) !== undefined ? local(`declared ${typesPackageName(pkg.name)}`) : undefined;
  },
};

/** A module the package's `browser` field replaces (`"browser": { "jsdom": false }`): the bundler swaps it out. */
export const browserFieldResolver: Resolver = {
  name: 'browser-field',
  reads: ['**/package.json'],
  resolve: (s, ctx) => (ctx.project.manifest?.browserReplaced?.includes(parsePackageSpecifier(s)?.name ?? '') ? local('replaced by the browser field') : undefined),
};

/** `vscode` in a VS Code extension (`engines.vscode`): the editor provides it at run time. */
export const hostModuleResolver: Resolver = {
  name: 'host-modules',
  reads: ['**/package.json'],
  resolve: (s, ctx) => (s === 'vscode' && ctx.project.manifest?.engines?.vscode ? local('provided by VS Code (engines.vscode)') : undefined),
};

/** Declared as `workspace:`, `file:`, `link:` or a git URL: not from the registry, nothing to look up. */
export const nonRegistryDependencyResolver: Resolver = {
  name: 'non-registry-dependencies',
  reads: ['**/package.json', '**/.pnp.{cjs,js}'],
  resolve(s, ctx) {
    const pkg = parsePackageSpecifier(s);
    const spec = pkg && ctx.project.declaredSpec(pkg.name);
    if (spec === undefined || !pkg) return undefined;
    const source = dependencySource(pkg.name, spec);
    if (source.kind === 'elsewhere') return local(`declared as ${source.spec}`);
    if (ctx.project.pnp) return local("declared (Yarn Plug'n'Play)");
    return undefined;
  },
};

/** The chain, in the order a bundler would try them. */
export const DEFAULT_RESOLVERS: readonly Resolver[] = [
  builtinResolver,
  pathLikeResolver,
  importMapResolver,
  packageImportsResolver,
  tsconfigPathsResolver,
  declaredModulesResolver,
  frameworkResolver,
  bundlerAliasResolver,
  invalidNameResolver,
  workspaceResolver,
  hostModuleResolver,
  browserFieldResolver,
  nodeModulesResolver,
  declaredTypesResolver,
  nonRegistryDependencyResolver,
];

function stripVersion(name: string): string {
  // `npm:lodash@4` names lodash
  const at = name.lastIndexOf('@');
  return at > 0 ? name.slice(0, at) : name;
}

/** Runs the chain; what is left is a package to ask the registry about. */
export function resolveLocally(specifier: string, ctx: ResolveContext, resolvers: readonly Resolver[] = DEFAULT_RESOLVERS): Resolution {
  for (const r of resolvers) {
    const res = r.resolve(specifier, ctx);
    if (res) return res;
  }
  let spec = specifier;
  if (spec.startsWith('npm:')) spec = spec.slice(4);
  const parsed = parsePackageSpecifier(spec)!; // invalidNameResolver guarantees it parses
  const pkg = { name: stripVersion(parsed.name), subpath: parsed.subpath };
  // A dependency declared as "alias": "npm:real@^1" is looked up under its real name.
  const declared = ctx.project.declaredSpec(pkg.name);
  const source = declared !== undefined ? dependencySource(pkg.name, declared) : undefined;
  return { kind: 'package', pkg, registryName: source?.kind === 'registry' ? source.name : pkg.name };
}
