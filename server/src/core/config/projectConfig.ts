/**
 * The project's own configuration, shared by the editor and the CLI: `groundcheck.json` (JSONC), or
 * a `groundcheck` key in package.json. The nearest one above a file wins; the search stops at the
 * repository root (the folder with `.git`).
 */
import * as path from 'path';
import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { ancestors, type FileSystem } from '../io';
import type { FindingCode, Severity } from '../model';
import { DEFAULT_SETTINGS, normalizeSettings, type GroundcheckSettings, type RiskThresholds } from './settings';
import { validateConfig, withPositions, type ConfigProblem } from './validate';

export const PROJECT_CONFIG_FILE = 'groundcheck.json';

export type FailOn = 'error' | 'warning' | 'never';

export interface ProjectConfig {
  /** The file it came from (groundcheck.json or package.json). */
  file: string;
  /** `groundcheck.json`, or the `groundcheck` key of package.json. */
  kind: 'file' | 'package.json';
  allow: string[];
  /** .gitignore patterns, relative to the file's folder, of files that are not checked. */
  exclude: string[];
  privateScopes: string[];
  severity: Partial<Record<FindingCode, Severity>>;
  /** Risk thresholds the project sets (each replaces the editor's or CLI's). */
  risk: Partial<RiskThresholds>;
  failOn?: FailOn;
  /** What the schema (or the JSON syntax) rejects, with where: the CLI exits 2, the editor underlines them. */
  problems: ConfigProblem[];
  /** The same problems as lines for the log (`file: "key" must ...`). */
  errors: string[];
}

/**
 * Reads one configuration object. What the schema rejects is a problem (the CLI exits 2, the editor
 * underlines it) and is not used; a broken `privateScopes` fails closed: every scope is then treated
 * as private, so no name that could be private is sent to the default registry.
 */
function parse(file: string, text: string, kind: ProjectConfig['kind'], at: (string | number)[]): ProjectConfig {
  const syntax: ParseError[] = [];
  const tree = parseTree(text, syntax, { allowTrailingComma: kind === 'file', disallowComments: kind !== 'file' });
  let problems: ConfigProblem[] = syntax.map((e) => ({ file, key: '', message: `${printParseErrorCode(e.error)} at offset ${e.offset}`, offset: e.offset, length: Math.max(1, e.length) }));
  const node = tree && (at.length ? findNodeAtLocation(tree, at) : tree);
  const raw: unknown = node ? getNodeValue(node) : undefined;
  if (syntax.length === 0 && raw !== undefined) problems.push(...validateConfig(file, raw, tree, at));
  const r = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  const bad = (key: string) => problems.some((p) => p.key === key || p.key.startsWith(`${key}.`));
  const normalized = normalizeSettings({ allow: bad('allow') ? [] : r.allow, privateScopes: bad('privateScopes') ? [] : r.privateScopes, severity: r.severity, risk: r.risk });
  const severity: Partial<Record<FindingCode, Severity>> = {};
  if (r.severity && typeof r.severity === 'object' && !Array.isArray(r.severity)) {
    for (const code of Object.keys(r.severity as object)) {
      if (code in normalized.severity && !bad(`severity.${code}`)) severity[code as FindingCode] = normalized.severity[code as FindingCode];
    }
  }
  const failOn = !bad('failOn') && (r.failOn === 'error' || r.failOn === 'warning' || r.failOn === 'never') ? r.failOn : undefined;
  problems = withPositions(problems, text);
  const failClosed = syntax.length > 0 || bad('privateScopes') || (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw)));
  return {
    file, kind, allow: normalized.allow, risk: bad('risk') || !r.risk || typeof r.risk !== 'object' ? {} : Object.fromEntries(Object.keys(r.risk).filter((k) => k in normalized.risk && !bad(`risk.${k}`)).map((k) => [k, normalized.risk[k as keyof RiskThresholds]])), exclude: bad('exclude') || !Array.isArray(r.exclude) ? [] : r.exclude.filter((x): x is string => typeof x === 'string'), privateScopes: failClosed ? ['*'] : normalized.privateScopes, severity, failOn,
    problems, errors: problems.map((p) => `${file}:${(p.line ?? 0) + 1}:${(p.character ?? 0) + 1}: ${p.message}`),
  };
}

export function readProjectConfig(fs: FileSystem, fromDir: string): ProjectConfig | undefined {
  for (const dir of ancestors(fromDir)) {
    const found = projectConfigIn(fs, dir);
    if (found !== 'look-above') return found;
  }
  return undefined;
}

/**
 * The configuration a folder itself holds; undefined at a repository root that holds none (the
 * search stops there); 'look-above' otherwise. `readProjectConfig` is this from a folder upwards;
 * callers that ask for many folders memoise it per folder.
 */
export function projectConfigIn(fs: FileSystem, dir: string): ProjectConfig | undefined | 'look-above' {
  const file = path.join(dir, PROJECT_CONFIG_FILE);
  const text = fs.readFile(file);
  if (text !== undefined) return parse(file, text, 'file', []);
  const manifestFile = path.join(dir, 'package.json');
  const manifest = fs.readFile(manifestFile);
  // (a cheap test first: most package.json files have no `groundcheck` key to find)
  if (manifest !== undefined && manifest.includes('"groundcheck"')) {
    const tree = parseTree(manifest);
    // A package.json mid-edit that does not parse: keep looking above (its own finding says why).
    if (tree && findNodeAtLocation(tree, ['groundcheck'])) return parse(manifestFile, manifest, 'package.json', ['groundcheck']);
  }
  return fs.exists(path.join(dir, '.git')) ? undefined : 'look-above';
}

/**
 * Editor (or CLI) settings combined with the project's file: lists are united; for severities the
 * project file replaces the defaults, and a severity the user changed in the editor wins over both.
 */
export function mergeSettings(base: GroundcheckSettings, project: ProjectConfig | undefined): GroundcheckSettings {
  if (!project) return base;
  const severity = { ...base.severity };
  for (const [code, sev] of Object.entries(project.severity) as [FindingCode, Severity][]) {
    if (base.severity[code] === DEFAULT_SETTINGS.severity[code]) severity[code] = sev;
  }
  return {
    ...base,
    allow: [...new Set([...base.allow, ...project.allow])],
    privateScopes: [...new Set([...base.privateScopes, ...project.privateScopes])],
    severity,
    risk: { ...base.risk, ...project.risk },
  };
}
