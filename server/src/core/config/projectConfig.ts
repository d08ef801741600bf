/**
 * The project's own configuration, shared by the editor and the CLI: `groundcheck.json` (JSONC), or
 * a `groundcheck` key in package.json. The nearest one above a file wins; the search stops at the
 * repository root (the folder with `.git`).
 */
import * as path from 'path';
import * as ts from 'typescript';
import { ancestors, type FileSystem } from '../io';
import type { FindingCode, Severity } from '../model';
import { DEFAULT_SETTINGS, normalizeSettings, type GroundcheckSettings } from './settings';

export const PROJECT_CONFIG_FILE = 'groundcheck.json';

export type FailOn = 'error' | 'warning' | 'never';

export interface ProjectConfig {
  /** The file it came from (groundcheck.json or package.json). */
  file: string;
  /** `groundcheck.json`, or the `groundcheck` key of package.json. */
  kind: 'file' | 'package.json';
  allow: string[];
  privateScopes: string[];
  severity: Partial<Record<FindingCode, Severity>>;
  failOn?: FailOn;
  /** Problems reading it, for the log and the CLI's exit code 2. */
  errors: string[];
}

function parse(file: string, raw: unknown, kind: ProjectConfig['kind'], errors: string[]): ProjectConfig {
  const r = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  if (raw !== undefined && r !== raw) errors.push(`${file}: the configuration must be an object`);
  const known = new Set(['$schema', 'allow', 'privateScopes', 'severity', 'failOn']);
  for (const key of Object.keys(r)) if (!known.has(key)) errors.push(`${file}: unknown key "${key}"`);
  const normalized = normalizeSettings({ allow: r.allow, privateScopes: r.privateScopes, severity: r.severity });
  const severity: Partial<Record<FindingCode, Severity>> = {};
  if (r.severity && typeof r.severity === 'object') {
    for (const code of Object.keys(r.severity as object)) {
      if (code in normalized.severity) severity[code as FindingCode] = normalized.severity[code as FindingCode];
      else errors.push(`${file}: unknown finding code "${code}" in severity`);
    }
  }
  const failOn = r.failOn === 'error' || r.failOn === 'warning' || r.failOn === 'never' ? r.failOn : undefined;
  if (r.failOn !== undefined && !failOn) errors.push(`${file}: failOn must be "error", "warning" or "never"`);
  return { file, kind, allow: normalized.allow, privateScopes: normalized.privateScopes, severity, failOn, errors };
}

export function readProjectConfig(fs: FileSystem, fromDir: string): ProjectConfig | undefined {
  for (const dir of ancestors(fromDir)) {
    const file = path.join(dir, PROJECT_CONFIG_FILE);
    const text = fs.readFile(file);
    if (text !== undefined) {
      const errors: string[] = [];
      const parsed = ts.parseConfigFileTextToJson(file, text);
      if (parsed.error) errors.push(`${file}: ${ts.flattenDiagnosticMessageText(parsed.error.messageText, ' ')}`);
      return parse(file, parsed.config ?? {}, 'file', errors);
    }
    const manifest = fs.readFile(path.join(dir, 'package.json'));
    if (manifest !== undefined) {
      try {
        const json = JSON.parse(manifest) as { groundcheck?: unknown };
        if (json && json.groundcheck !== undefined) return parse(path.join(dir, 'package.json'), json.groundcheck, 'package.json', []);
      } catch {
        // a package.json mid-edit: keep looking above
      }
    }
    if (fs.exists(path.join(dir, '.git'))) return undefined;
  }
  return undefined;
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
  };
}
