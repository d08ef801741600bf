/**
 * Python dependency declarations: requirements files, pyproject.toml (PEP 621 and Poetry) and
 * setup.cfg. Requirement strings are read with a PEP 508 parser; TOML with a TOML parser.
 */
import type { Range } from '../model';
import { LineIndex } from '../lineIndex';
import type { CommentText } from '../findings/suppressions';

// smol-toml ships a CommonJS build; its type declarations are written as ES module ones.
const { parse: parseToml } = require('smol-toml') as { parse(text: string): Record<string, unknown> };

export type RequirementSource = 'requirements' | 'pyproject' | 'build-system' | 'poetry' | 'setup.cfg';

export interface Requirement {
  /** As written. */
  name: string;
  /** PEP 503 normalised. */
  normalized: string;
  /** PEP 440 specifier set (`>=1.0,<2`), '' when none. */
  specifier: string;
  extras: string[];
  marker?: string;
  /** `name @ https://...`, a path or VCS URL: not from the index, nothing to look up. */
  url?: string;
  /** Range of the name in the document. */
  range: Range;
  source: RequirementSource;
}

export interface RequirementsFile {
  requirements: Requirement[];
  /** `-r other.txt` / `-c constraints.txt` includes, as written. */
  includes: string[];
  /** `--index-url` / `--extra-index-url` lines. */
  indexUrls: string[];
  extraIndexUrls: string[];
  /**
   * pyproject.toml: import names of the project itself (`[project].name`, Poetry's name, maturin's
   * `module-name`), and maturin's `python-source` folder. Its own package is never "made up".
   */
  ownImportNames?: string[];
  sourceDirs?: string[];
  /** requirements.txt: its comments (for `# groundcheck: ignore` directives). */
  comments?: CommentText[];
}

export function normalizePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

// ---- PEP 508 -------------------------------------------------------------------------------

export interface ParsedRequirement {
  name: string;
  nameStart: number;
  extras: string[];
  specifier: string;
  url?: string;
  marker?: string;
}

const IDENT = /[A-Za-z0-9._-]/;

/**
 * A PEP 508 requirement: `name [extras] (specifiers | @ url) [; marker]`. Returns undefined for a
 * string that is not one (a half-written line is simply not checked).
 */
export function parsePep508(input: string): ParsedRequirement | undefined {
  let i = 0;
  const ws = () => {
    while (i < input.length && (input[i] === ' ' || input[i] === '\t')) i++;
  };
  ws();
  const nameStart = i;
  while (i < input.length && IDENT.test(input[i])) i++;
  const name = input.slice(nameStart, i);
  if (!/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(name)) return undefined;
  ws();
  const extras: string[] = [];
  if (input[i] === '[') {
    const close = input.indexOf(']', i);
    if (close < 0) return undefined;
    for (const e of input.slice(i + 1, close).split(',')) if (e.trim()) extras.push(e.trim());
    i = close + 1;
    ws();
  }
  let url: string | undefined;
  let specifier = '';
  const semicolon = input.indexOf(';', i);
  if (input[i] === '@') {
    // `name @ url ; marker` — the marker must be separated from the URL by whitespace
    const rest = input.slice(i + 1).trim();
    const markerAt = rest.search(/\s;/);
    url = (markerAt >= 0 ? rest.slice(0, markerAt) : rest).trim();
    if (!url) return undefined;
    const marker = markerAt >= 0 ? rest.slice(markerAt + 2).trim() : undefined;
    return { name, nameStart, extras, specifier, url, marker };
  }
  const specEnd = semicolon >= 0 ? semicolon : input.length;
  specifier = input.slice(i, specEnd).trim();
  if (specifier.startsWith('(') && specifier.endsWith(')')) specifier = specifier.slice(1, -1).trim();
  if (specifier && !/^(?:(?:===|==|!=|~=|<=|>=|<|>)\s*[A-Za-z0-9.*+!_-]+\s*,?\s*)+$/.test(specifier)) return undefined;
  const marker = semicolon >= 0 ? input.slice(semicolon + 1).trim() : undefined;
  return { name, nameStart, extras, specifier: specifier.replace(/\s+/g, ''), marker };
}

// ---- requirements.txt ------------------------------------------------------------------------

const OPTION_WITH_VALUE = /^(-r|--requirement|-c|--constraint|-i|--index-url|--extra-index-url|-f|--find-links|--trusted-host|--pre|--only-binary|--no-binary|-e|--editable)\b/;

export function parseRequirementsTxt(text: string): RequirementsFile {
  const out: RequirementsFile = { requirements: [], includes: [], indexUrls: [], extraIndexUrls: [] };
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n].replace(/\r$/, '');
    const startLine = n;
    // A trailing backslash continues the line (pip joins them); ranges stay on the first line.
    while (line.endsWith('\\') && n + 1 < lines.length) line = line.slice(0, -1) + ' ' + lines[++n].replace(/\r$/, '');
    const comment = line.search(/(^|\s)#/);
    if (comment >= 0) {
      // pip's own comment rule: `#` at the start or after whitespace; a directive may follow
      const own = line.slice(0, comment).trim() === '';
      (out.comments ??= []).push({ line: startLine, text: line.slice(comment).trim(), ownLine: own });
      line = line.slice(0, comment);
    }
    const trimmed = line.trim();
    if (!trimmed) continue;
    const option = OPTION_WITH_VALUE.exec(trimmed);
    if (option) {
      const value = trimmed.slice(option[0].length).replace(/^[=\s]+/, '').trim();
      if (['-r', '--requirement', '-c', '--constraint'].includes(option[1])) out.includes.push(value);
      if (['-i', '--index-url'].includes(option[1])) out.indexUrls.push(value);
      if (option[1] === '--extra-index-url') out.extraIndexUrls.push(value);
      continue; // -e and other options: not a registry requirement
    }
    if (trimmed.startsWith('-')) continue;
    // `pkg==1.0 --hash=sha256:...`: per-requirement options follow the requirement
    const requirement = trimmed.split(/\s--?[a-z]/)[0];
    if (/^(\.|\/|[a-z+]+:\/\/|git\+)/i.test(requirement) || /\.(whl|tar\.gz|zip)$/i.test(requirement)) continue; // a path or URL
    const parsed = parsePep508(requirement);
    if (!parsed) continue;
    const character = lines[startLine].indexOf(parsed.name);
    out.requirements.push({
      name: parsed.name,
      normalized: normalizePythonName(parsed.name),
      specifier: parsed.specifier,
      extras: parsed.extras,
      marker: parsed.marker,
      url: parsed.url,
      range: { start: { line: startLine, character }, end: { line: startLine, character: character + parsed.name.length } },
      source: 'requirements',
    });
  }
  return out;
}

// ---- pyproject.toml ---------------------------------------------------------------------------

/** Finds where a TOML string value or key sits, searching forward from the last hit so repeated values map in order. */
class Locator {
  private readonly lines: LineIndex;
  private from = 0;
  constructor(private readonly text: string) {
    this.lines = new LineIndex(text);
  }
  private position(offset: number) {
    return this.lines.positionAt(offset);
  }
  /** Range of `name` inside the next occurrence of the quoted string `value`. */
  valueRange(value: string, name: string): Range | undefined {
    for (const quote of ['"', "'"]) {
      const at = this.text.indexOf(quote + value, this.from);
      if (at >= 0) {
        this.from = at + 1;
        const start = at + 1 + Math.max(0, value.indexOf(name));
        return { start: this.position(start), end: this.position(start + name.length) };
      }
    }
    return undefined;
  }
  /** Range of a table key at the start of a line (`requests = ...`). */
  keyRange(key: string, after: string): Range | undefined {
    const section = this.text.indexOf(after);
    let at = section >= 0 ? section : 0;
    while ((at = this.text.indexOf(key, at)) >= 0) {
      const lineStart = this.text.lastIndexOf('\n', at - 1) + 1;
      const before = this.text.slice(lineStart, at).trim();
      const next = this.text.slice(at + key.length).match(/^\s*=/);
      if ((before === '' || before === '"' || before === "'") && next) return { start: this.position(at), end: this.position(at + key.length) };
      at += key.length;
    }
    return undefined;
  }
}

export function parsePyproject(text: string): RequirementsFile | { error: string; line: number; character: number } {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    const err = e as Error & { line?: number; column?: number };
    return { error: err.message.split('\n')[0], line: Math.max(0, (err.line ?? 1) - 1), character: Math.max(0, (err.column ?? 1) - 1) };
  }
  const out: RequirementsFile = { requirements: [], includes: [], indexUrls: [], extraIndexUrls: [] };
  const locate = new Locator(text);
  const addPep508 = (value: unknown, source: RequirementSource = 'pyproject') => {
    if (typeof value !== 'string') return;
    const parsed = parsePep508(value);
    if (!parsed) return;
    const range = locate.valueRange(value, parsed.name);
    if (!range) return;
    out.requirements.push({ name: parsed.name, normalized: normalizePythonName(parsed.name), specifier: parsed.specifier, extras: parsed.extras, marker: parsed.marker, url: parsed.url, range, source });
  };
  // [build-system] comes first in most files; the locator searches forward, so read in file order.
  const build = (doc['build-system'] as Record<string, unknown> | undefined)?.requires;
  const buildFirst = text.search(/^\[build-system\]/m) < Math.max(0, text.search(/^\[project\]/m));
  if (buildFirst && Array.isArray(build)) build.forEach((v) => addPep508(v, 'build-system'));
  const project = doc.project as Record<string, unknown> | undefined;
  if (Array.isArray(project?.dependencies)) project!.dependencies.forEach((v) => addPep508(v));
  const optional = project?.['optional-dependencies'];
  if (optional && typeof optional === 'object') for (const list of Object.values(optional)) if (Array.isArray(list)) list.forEach((v) => addPep508(v));
  const groups = doc['dependency-groups']; // PEP 735
  if (groups && typeof groups === 'object') for (const list of Object.values(groups)) if (Array.isArray(list)) list.forEach((v) => addPep508(v));
  if (!buildFirst && Array.isArray(build)) build.forEach((v) => addPep508(v, 'build-system'));
  const tool = (doc.tool ?? {}) as Record<string, Record<string, unknown> | undefined>;
  // Development groups of uv, PDM and Hatch environments: what the project's tools install.
  const lists: unknown[] = [tool.uv?.['dev-dependencies']];
  const pdmDev = tool.pdm?.['dev-dependencies'];
  if (pdmDev && typeof pdmDev === 'object') lists.push(...Object.values(pdmDev));
  const hatchEnvs = (tool.hatch?.envs ?? {}) as Record<string, Record<string, unknown> | undefined>;
  for (const env of Object.values(hatchEnvs)) lists.push(env?.dependencies, env?.['extra-dependencies']);
  for (const list of lists) if (Array.isArray(list)) list.forEach((v) => addPep508(v));

  const toImportName = (n: unknown) => (typeof n === 'string' && n ? n.trim().replace(/[-.]/g, '_') : undefined);
  const maturin = tool.maturin ?? {};
  out.ownImportNames = [
    toImportName(project?.name),
    toImportName((tool.poetry as Record<string, unknown> | undefined)?.name),
    typeof maturin['module-name'] === 'string' ? (maturin['module-name'] as string).split('.')[0] : undefined,
  ].filter((n): n is string => !!n);
  out.sourceDirs = typeof maturin['python-source'] === 'string' ? [maturin['python-source'] as string] : [];

  // [tool.uv.sources]: a requirement served from git, a path, a URL or the uv workspace is not on the index.
  const uvSources = ((doc.tool as Record<string, unknown> | undefined)?.uv as Record<string, unknown> | undefined)?.sources as Record<string, unknown> | undefined;
  if (uvSources && typeof uvSources === 'object') {
    const elsewhere = new Map(Object.entries(uvSources).map(([name, src]) => {
      const o = (src && typeof src === 'object' ? src : {}) as Record<string, unknown>;
      const where = [o.git, o.path, o.url].find((v) => typeof v === 'string') as string | undefined;
      return [normalizePythonName(name), where ?? (o.workspace === true ? 'workspace' : undefined)] as const;
    }));
    for (const r of out.requirements) {
      const where = elsewhere.get(r.normalized);
      if (where && !r.url) r.url = where;
    }
  }
  const poetry = (doc.tool as Record<string, unknown> | undefined)?.poetry as Record<string, unknown> | undefined;
  const poetryTables: [string, unknown][] = [['[tool.poetry.dependencies]', poetry?.dependencies], ['[tool.poetry.dev-dependencies]', poetry?.['dev-dependencies']]];
  const poetryGroups = poetry?.group as Record<string, { dependencies?: unknown }> | undefined;
  if (poetryGroups) for (const [g, v] of Object.entries(poetryGroups)) poetryTables.push([`[tool.poetry.group.${g}.dependencies]`, v?.dependencies]);
  for (const [header, table] of poetryTables) {
    if (!table || typeof table !== 'object') continue;
    for (const [name, spec] of Object.entries(table as Record<string, unknown>)) {
      if (name.toLowerCase() === 'python') continue;
      const s = spec as string | Record<string, unknown>;
      const url = typeof s === 'object' ? ((s.git ?? s.path ?? s.url) as string | undefined) : undefined;
      const range = locate.keyRange(name, header);
      if (!range) continue;
      const version = typeof s === 'string' ? s : typeof s?.version === 'string' ? s.version : '';
      out.requirements.push({ name, normalized: normalizePythonName(name), specifier: poetryToPep440(version), extras: [], url, range, source: 'poetry' });
    }
  }
  return out;
}

/** Poetry's exact pins (`"2.31.0"`, `"==2.31.0"`) in PEP 440 form; caret and tilde ranges are not version checks we make. */
function poetryToPep440(version: string): string {
  const v = version.trim();
  if (/^\d[\w.+!-]*$/.test(v)) return `==${v}`;
  if (/^(===|==|!=|~=|<=|>=|<|>)/.test(v) && !/[\^]/.test(v)) return v.replace(/\s+/g, '');
  return '';
}

// ---- Pipfile -------------------------------------------------------------------------------------

/** The distributions a Pipfile declares (`[packages]`, `[dev-packages]`), normalised; [] when it does not parse. */
export function parsePipfileNames(text: string): string[] {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text);
  } catch {
    return [];
  }
  return ['packages', 'dev-packages'].flatMap((table) => {
    const t = doc[table];
    return t && typeof t === 'object' ? Object.keys(t as object).map(normalizePythonName) : [];
  });
}

// ---- setup.cfg ----------------------------------------------------------------------------------

export function parseSetupCfg(text: string): RequirementsFile {
  const out: RequirementsFile = { requirements: [], includes: [], indexUrls: [], extraIndexUrls: [] };
  const lines = text.split('\n');
  let section = '';
  let inRequires = false;
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n].replace(/\r$/, '');
    const header = /^\s*\[([^\]]+)\]/.exec(raw);
    if (header) {
      section = header[1].trim();
      inRequires = false;
      continue;
    }
    const key = /^([A-Za-z_][\w-]*)\s*=\s*(.*)$/.exec(raw);
    if (key && !/^\s/.test(raw)) {
      inRequires = (section === 'options' && key[1] === 'install_requires') || section === 'options.extras_require';
      if (inRequires && key[2].trim() && section === 'options') addSetupLine(out, raw, n, raw.indexOf(key[2]));
      if (section === 'options.extras_require') addSetupLine(out, raw, n, raw.indexOf(key[2]));
      continue;
    }
    if (inRequires && /^\s+\S/.test(raw)) addSetupLine(out, raw, n, 0);
  }
  return out;
}

function addSetupLine(out: RequirementsFile, line: string, n: number, from: number): void {
  const value = line.slice(from).replace(/(^|\s)#.*$/, '').trim();
  const parsed = value && parsePep508(value);
  if (!parsed) return;
  const character = line.indexOf(parsed.name, from);
  out.requirements.push({
    name: parsed.name, normalized: normalizePythonName(parsed.name), specifier: parsed.specifier, extras: parsed.extras, marker: parsed.marker, url: parsed.url,
    range: { start: { line: n, character }, end: { line: n, character: character + parsed.name.length } }, source: 'setup.cfg',
  });
}

// ---- tox.ini ------------------------------------------------------------------------------------

/**
 * The distributions tox.ini installs: `deps` of every section (testenv and shared ones such as
 * scrapy's `[test-requirements]`) and `[tox] requires`, normalised. Substitutions (`{[x]deps}`),
 * options (`-r`, `-e`), paths and factor prefixes (`py310: pytest`) are read the way tox reads them.
 */
export function parseToxIniNames(text: string): { names: string[]; includes: string[] } {
  const names: string[] = [];
  const includes: string[] = [];
  let key = '';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (/^\s*[#;]/.test(line) || !line.trim()) continue;
    if (/^\s*\[/.test(line)) {
      key = '';
      continue;
    }
    const kv = /^([\w.-]+)\s*=\s*(.*)$/.exec(line);
    let value: string;
    if (kv && !/^\s/.test(line)) {
      key = kv[1];
      value = kv[2];
    } else if (/^\s/.test(line)) value = line.trim();
    else continue;
    if (key !== 'deps' && key !== 'requires') continue;
    const entry = value.replace(/^[\w{},.-]+:\s+/, '').replace(/\s+#.*$/, '').trim();
    if (!entry || entry.startsWith('{')) continue;
    const include = /^-r\s*(\S+)$/.exec(entry);
    if (include) includes.push(include[1].replace(/\{toxinidir\}\/?/, ''));
    if (entry.startsWith('-') || entry.startsWith('.') || entry.startsWith('/')) continue;
    const parsed = parsePep508(entry);
    if (parsed) names.push(normalizePythonName(parsed.name));
  }
  return { names, includes };
}
