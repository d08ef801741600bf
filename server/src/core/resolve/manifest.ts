/** Reading package.json files: declared dependencies, `imports`, workspaces. */
import * as path from 'path';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { FileSystem } from '../io';
import type { Position } from '../model';

export interface Manifest {
  path: string;
  dir: string;
  name?: string;
  /** Every declared dependency (all dependency kinds) with its version spec. */
  dependencies: Map<string, string>;
  imports?: Record<string, unknown>;
  /** Workspace globs, from `workspaces` (array or `{ packages }`). */
  workspaces?: string[];
  /** Module names the `browser` field replaces (`"browser": { "jsdom": false }`). */
  browserReplaced?: string[];
  /** `engines`: `vscode` there means the host provides the `vscode` module. */
  engines?: Record<string, string>;
  /** Set when the file is not valid JSON: what it declares is unknown, so "undeclared" cannot be said. */
  parseError?: { message: string; position: Position };
}

/** Where and why a JSON text does not parse (strict JSON, as npm reads package.json). */
export function jsonParseError(text: string): { message: string; position: Position } | undefined {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const e = errors[0];
  if (!e) {
    try {
      JSON.parse(text);
      return undefined;
    } catch (x) {
      return { message: (x as Error).message, position: { line: 0, character: 0 } };
    }
  }
  const before = text.slice(0, e.offset);
  const line = before.split('\n').length - 1;
  return { message: printParseErrorCode(e.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase(), position: { line, character: e.offset - (before.lastIndexOf('\n') + 1) } };
}

/**
 * In order of precedence: the range the project installs (dependencies, devDependencies) wins over
 * the range it promises its users (peerDependencies: astro's react integration lists `react-dom`
 * `^17 || ^18 || ^19` as a peer and develops against `^18.3.1`).
 */
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];

export function readManifest(fs: FileSystem, file: string): Manifest | undefined {
  const text = fs.readFile(file);
  if (text === undefined) return undefined;
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text);
  } catch {
    // Not valid JSON (mid-edit, or broken): it declares nothing we can know of, which is not "declares nothing".
    return { path: file, dir: path.dirname(file), dependencies: new Map(), parseError: jsonParseError(text) ?? { message: 'not valid JSON', position: { line: 0, character: 0 } } };
  }
  if (!json || typeof json !== 'object') return { path: file, dir: path.dirname(file), dependencies: new Map() };
  const dependencies = new Map<string, string>();
  for (const field of DEPENDENCY_FIELDS) {
    const deps = json[field];
    if (deps && typeof deps === 'object') {
      for (const [name, spec] of Object.entries(deps as Record<string, unknown>)) if (!dependencies.has(name)) dependencies.set(name, String(spec));
    }
  }
  const ws = json.workspaces as unknown;
  const workspaces = Array.isArray(ws)
    ? ws.map(String)
    : ws && typeof ws === 'object' && Array.isArray((ws as { packages?: unknown }).packages)
      ? ((ws as { packages: unknown[] }).packages.map(String))
      : undefined;
  return {
    path: file,
    dir: path.dirname(file),
    name: typeof json.name === 'string' ? json.name : undefined,
    dependencies,
    imports: json.imports && typeof json.imports === 'object' ? (json.imports as Record<string, unknown>) : undefined,
    engines: json.engines && typeof json.engines === 'object' ? (json.engines as Record<string, string>) : undefined,
    browserReplaced: json.browser && typeof json.browser === 'object' ? Object.keys(json.browser).filter((k) => !k.startsWith('.') && !k.startsWith('/')) : undefined,
    workspaces,
  };
}

/** What a dependency spec points at: the registry (possibly under another name) or somewhere else. */
export type DependencySource = { kind: 'registry'; name: string } | { kind: 'elsewhere'; spec: string };

export function dependencySource(name: string, spec: string): DependencySource {
  if (spec.startsWith('npm:')) {
    const target = spec.slice(4);
    const at = target.lastIndexOf('@');
    return { kind: 'registry', name: at > 0 ? target.slice(0, at) : target };
  }
  // workspace:, file:, link:, portal:, git URLs, tarball URLs, GitHub shorthands (user/repo)
  if (/^(?:workspace|file|link|portal|patch|git|git\+[a-z]+|https?|github|gitlab|bitbucket|gist):/.test(spec)) {
    return { kind: 'elsewhere', spec };
  }
  if (/^[^@./\s][^\s]*\/[^\s]+$/.test(spec) && !spec.includes(' ')) return { kind: 'elsewhere', spec };
  return { kind: 'registry', name };
}
