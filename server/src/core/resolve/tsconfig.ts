/**
 * tsconfig/jsconfig `paths` and `baseUrl`, following `extends` (relative files and packages).
 * `baseUrl` is honoured even though TypeScript 7 rejects it: many real configs still carry it.
 */
import * as path from 'path';
import { parse as parseJsonc } from 'jsonc-parser';
import { ancestors, type FileSystem } from '../io';

export interface PathMapping {
  /** The `paths` key, e.g. `@/*` or `~utils`. */
  pattern: string;
  /** Target patterns, already absolute. */
  targets: string[];
}

export interface CompilerPaths {
  mappings: PathMapping[];
  baseUrls: string[];
  /** Config files read, for diagnostics in the log. */
  configs: string[];
}

interface RawOptions {
  paths?: Record<string, string[]>;
  pathsBase?: string;
  baseUrl?: string;
}

const MAX_EXTENDS_DEPTH = 10;

function readJsonc(fs: FileSystem, file: string): Record<string, unknown> | undefined {
  const text = fs.readFile(file);
  if (text === undefined) return undefined;
  // (comments and trailing commas, as TypeScript reads them; what does not parse is left out, as TypeScript does)
  const config = parseJsonc(text, [], { allowTrailingComma: true }) as unknown;
  return config && typeof config === 'object' && !Array.isArray(config) ? (config as Record<string, unknown>) : undefined;
}

function resolveExtends(fs: FileSystem, fromDir: string, spec: string): string | undefined {
  const withJson = (p: string) => (p.endsWith('.json') ? [p] : [p, `${p}.json`, path.join(p, 'tsconfig.json')]);
  if (spec.startsWith('.') || path.isAbsolute(spec)) {
    return withJson(path.resolve(fromDir, spec)).find((p) => fs.exists(p) && !fs.isDirectory(p));
  }
  // A package: look in node_modules up the tree (e.g. @tsconfig/node20/tsconfig.json).
  for (const dir of ancestors(fromDir)) {
    const found = withJson(path.join(dir, 'node_modules', spec)).find((p) => fs.exists(p) && !fs.isDirectory(p));
    if (found) return found;
  }
  return undefined;
}

/** Collects options from a config and its `extends` chain; later (child) values win. */
function collect(fs: FileSystem, file: string, depth: number, seen: Set<string>, configs: string[]): RawOptions {
  if (depth > MAX_EXTENDS_DEPTH || seen.has(file)) return {};
  seen.add(file);
  const json = readJsonc(fs, file);
  if (!json) return {};
  configs.push(file);
  const dir = path.dirname(file);
  let result: RawOptions = {};
  const ext = json.extends;
  const parents = typeof ext === 'string' ? [ext] : Array.isArray(ext) ? ext.filter((e): e is string => typeof e === 'string') : [];
  for (const parent of parents) {
    const parentFile = resolveExtends(fs, dir, parent);
    if (parentFile) result = { ...result, ...stripUndefined(collect(fs, parentFile, depth + 1, seen, configs)) };
  }
  const options = (json.compilerOptions ?? {}) as Record<string, unknown>;
  if (typeof options.baseUrl === 'string') result.baseUrl = path.resolve(dir, options.baseUrl);
  if (options.paths && typeof options.paths === 'object') {
    result.paths = options.paths as Record<string, string[]>;
    result.pathsBase = dir; // without baseUrl, paths are relative to the config that declares them
  }
  return result;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The directory whose tsconfig/jsconfig applies to a file: the nearest one up the tree that has any. */
export function findConfigDir(fs: FileSystem, fromDir: string): string | undefined {
  for (const dir of ancestors(fromDir)) {
    if (fs.exists(path.join(dir, 'tsconfig.json')) || fs.exists(path.join(dir, 'jsconfig.json'))) return dir;
    if (path.basename(dir) === 'node_modules') return undefined;
  }
  return undefined;
}

/**
 * Reads every tsconfig*.json / jsconfig*.json in a directory. Solution-style setups keep `paths`
 * in tsconfig.app.json and friends, so the union of all of them is the safe reading.
 */
export function readCompilerPaths(fs: FileSystem, configDir: string): CompilerPaths {
  const files = fs
    .readDir(configDir)
    .filter((f) => /^(?:ts|js)config(?:\.[\w.-]+)?\.json$/.test(f))
    .map((f) => path.join(configDir, f));
  const result: CompilerPaths = { mappings: [], baseUrls: [], configs: [] };
  // Project references (`"references": [{ "path": "./config/tsconfig.src.json" }]`): a referenced
  // project elsewhere may be the one whose `include` covers this folder's files.
  for (const file of [...files]) {
    const refs = (parseJsonc(fs.readFile(file) ?? '{}') as { references?: { path?: unknown }[] } | undefined)?.references;
    for (const ref of Array.isArray(refs) ? refs.slice(0, 20) : []) {
      if (typeof ref?.path !== 'string') continue;
      const target = path.resolve(configDir, ref.path);
      const config = target.endsWith('.json') ? target : path.join(target, 'tsconfig.json');
      if (!files.includes(config) && fs.exists(config)) files.push(config);
    }
  }
  for (const file of files) {
    const opts = collect(fs, file, 0, new Set(), result.configs);
    if (opts.baseUrl && !result.baseUrls.includes(opts.baseUrl)) result.baseUrls.push(opts.baseUrl);
    if (opts.paths) {
      const base = opts.baseUrl ?? opts.pathsBase ?? configDir;
      for (const [pattern, targets] of Object.entries(opts.paths)) {
        if (!Array.isArray(targets)) continue;
        result.mappings.push({ pattern, targets: targets.filter((t) => typeof t === 'string').map((t) => path.resolve(base, t)) });
      }
    }
  }
  return result;
}

const PROBE_EXTENSIONS = ['', '.ts', '.tsx', '.d.ts', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts', '.json', '.vue', '.svelte', '.css'];

export function fileOrDirectoryExists(fs: FileSystem, base: string): boolean {
  return PROBE_EXTENSIONS.some((ext) => fs.exists(base + ext));
}

/** Whether a `paths` pattern maps the specifier; for a catch-all `*` only when a target exists. */
export function matchPathMapping(fs: FileSystem, mapping: PathMapping, specifier: string): boolean {
  const star = mapping.pattern.indexOf('*');
  if (star < 0) return mapping.pattern === specifier;
  const prefix = mapping.pattern.slice(0, star);
  const suffix = mapping.pattern.slice(star + 1);
  if (!specifier.startsWith(prefix) || !specifier.endsWith(suffix) || specifier.length < prefix.length + suffix.length) return false;
  if (prefix.length > 0 || suffix.length > 0) return true;
  // `"*": [...]` would otherwise swallow every package name: require the mapped file to exist.
  return mapping.targets.some((t) => fileOrDirectoryExists(fs, t.replace('*', specifier)));
}
