/**
 * The standard Python package index API, so that PyPI, devpi, Artifactory and static mirrors all
 * work: PEP 691 JSON (`application/vnd.pypi.simple.v1+json`) with PEP 503 HTML as the fallback.
 * Only the project page is fetched (`<index>/<normalized-name>/`): names and file names, nothing run.
 */
import * as path from 'path';
import { fileURLToPath } from 'url';
import { nodeFileSystem as fs, type Clock } from '../io';
import type { PackageInfo } from '../model';
import { normalizePythonName } from '../extract/requirements';
import type { RegistryClient } from './npmRegistry';
import type { PypiConfig } from './pipConfig';
import { DEADLINE, retryAfter } from './npmRegistry';
const pep440 = require('@renovatebot/pep440') as { valid(v: string): string | null; rcompare(a: string, b: string): number };

const ACCEPT = 'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1';

export interface PypiClientOptions {
  timeoutMs: number;
  clock: Clock;
  /** Aborted when the run's overall deadline passes. */
  signal?: AbortSignal;
}

/** What a project page lists: its files (with their sha256 where the index gives it) and, per PEP 700, its versions. */
export interface ProjectFiles {
  filenames: string[];
  versions?: string[];
  /** filename -> sha256 (hex), from PEP 691 `hashes` or a PEP 503 link's `#sha256=` fragment. */
  hashes: Map<string, string>;
}

type PageAnswer = { kind: 'page'; files: ProjectFiles } | { kind: 'absent' } | { kind: 'failed'; reason: string; registryFault: boolean; retryAfterMs?: number };

export class PypiClient implements RegistryClient<PypiConfig> {
  constructor(private readonly o: PypiClientOptions) {}

  /** Exists if any index has it; missing only if every index says 404; otherwise unverified. */
  async fetch(name: string, config: PypiConfig): Promise<PackageInfo> {
    const normalized = normalizePythonName(name);
    const indexes = [config.indexUrl, ...config.extraIndexUrls];
    const answers = await Promise.all(indexes.map((index) => this.fetchOne(normalized, index)));
    const found = answers.find((a) => a.status === 'exists');
    if (found) return found;
    const failed = answers.find((a) => a.status === 'unverified');
    return failed ?? answers[0];
  }

  /**
   * The files the first index that has the project lists, with their hashes: what a lockfile's
   * hashes are compared with. Undefined when no index could be read or none has the project.
   */
  async files(name: string, config: PypiConfig): Promise<ProjectFiles | undefined> {
    const normalized = normalizePythonName(name);
    for (const index of [config.indexUrl, ...config.extraIndexUrls]) {
      const page = await this.page(normalized, index);
      if (page.kind === 'page') return page.files;
    }
    return undefined;
  }

  private async fetchOne(name: string, index: string): Promise<PackageInfo> {
    const base = { name, registry: index, source: 'registry' as const, checkedAt: this.o.clock.now() };
    const page = await this.page(name, index);
    if (page.kind === 'absent') return { ...base, status: 'missing' };
    if (page.kind === 'failed') return { ...base, status: 'unverified', reason: page.reason, registryFault: page.registryFault, retryAfterMs: page.retryAfterMs };
    return projectPage(base, name, page.files);
  }

  private async page(name: string, index: string): Promise<PageAnswer> {
    if (index.startsWith('file:')) {
      let dir: string;
      try {
        dir = fileURLToPath(index);
      } catch {
        return { kind: 'failed', reason: 'not a usable file: URL', registryFault: true };
      }
      const files = await readFolderProject(dir, name);
      if (files === 'absent') return { kind: 'absent' };
      return files ? { kind: 'page', files } : { kind: 'failed', reason: 'malformed index page', registryFault: true };
    }
    const { url, headers } = withCredentials(`${index}${encodeURIComponent(name)}/`);
    let res: Response;
    let body: string;
    try {
      if (this.o.signal?.aborted) return { kind: 'failed', reason: DEADLINE, registryFault: false };
      const signal = this.o.signal ? AbortSignal.any([AbortSignal.timeout(this.o.timeoutMs), this.o.signal]) : AbortSignal.timeout(this.o.timeoutMs);
      res = await fetch(url, { headers: { ...headers, Accept: ACCEPT }, signal, redirect: 'follow' });
      body = await res.text();
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      if (this.o.signal?.aborted) return { kind: 'failed', reason: DEADLINE, registryFault: false };
      const reason = err.name === 'TimeoutError' ? `timed out after ${this.o.timeoutMs} ms` : (err.cause?.code ?? err.message);
      return { kind: 'failed', reason, registryFault: true };
    }
    if (res.status === 404) return { kind: 'absent' };
    if (!res.ok) {
      const headerRecord = Object.fromEntries(res.headers.entries());
      const registryFault = !(res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429);
      return { kind: 'failed', reason: `HTTP ${res.status}`, registryFault, retryAfterMs: retryAfter(headerRecord, this.o.clock.now()) };
    }
    const type = res.headers.get('content-type') ?? '';
    const files = type.includes('json') ? filesFromJson(body) : filesFromHtml(body);
    return files ? { kind: 'page', files } : { kind: 'failed', reason: 'malformed index reply', registryFault: true };
  }
}

/** A project page read: every version it lists, newest first, and the newest final release. */
function projectPage(base: Omit<PackageInfo, 'status'>, name: string, files: ProjectFiles): PackageInfo {
  const versions = files.versions ?? versionsFromFilenames(name, files.filenames);
  const sorted: string[] = [...new Set<string>(versions)].filter((v) => pep440.valid(v)).sort(pep440.rcompare);
  const latest = sorted.find((v) => !/[a-z]/i.test(v.replace(/post\d*/i, ''))) ?? sorted[0];
  return { ...base, status: 'exists', versions: sorted, latest };
}

/**
 * A static index on disk (`file:///opt/pypi/simple/`), as pip reads one: `<name>/index.html` (or
 * `index.json`). Like pip, a folder that is not there simply has no projects.
 */
async function readFolderProject(dir: string, name: string): Promise<ProjectFiles | 'absent' | undefined> {
  for (const [file, parse] of [['index.json', filesFromJson], ['index.html', filesFromHtml]] as const) {
    let body: string;
    try {
      body = await fs.readTextAsync(path.join(dir, name, file));
    } catch {
      continue;
    }
    return parse(body);
  }
  return 'absent';
}

/** `https://user:token@host/simple/` -> the URL without credentials and a Basic header (fetch refuses credentials in URLs). */
function withCredentials(raw: string): { url: string; headers: Record<string, string> } {
  const u = new URL(raw);
  if (!u.username && !u.password) return { url: raw, headers: {} };
  const auth = Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64');
  u.username = '';
  u.password = '';
  return { url: u.toString(), headers: { Authorization: `Basic ${auth}` } };
}

function filesFromJson(body: string): ProjectFiles | undefined {
  try {
    const json = JSON.parse(body) as { files?: { filename?: unknown; hashes?: { sha256?: unknown } }[]; versions?: unknown };
    if (!json || typeof json !== 'object' || !Array.isArray(json.files)) return undefined;
    const versions = Array.isArray(json.versions) ? json.versions.filter((v): v is string => typeof v === 'string') : undefined; // PEP 700
    const hashes = new Map<string, string>();
    const filenames: string[] = [];
    for (const f of json.files) {
      if (typeof f?.filename !== 'string') continue;
      filenames.push(f.filename);
      if (typeof f.hashes?.sha256 === 'string') hashes.set(f.filename, f.hashes.sha256.toLowerCase());
    }
    return { filenames, versions, hashes };
  } catch {
    return undefined;
  }
}

/** The anchors of a PEP 503 page (one per file), with the `#sha256=` of their href. A small tag scanner: the page is data, not code. */
function filesFromHtml(body: string): ProjectFiles | undefined {
  if (!/<html|<a\s|<!doctype/i.test(body)) return undefined;
  const filenames: string[] = [];
  const hashes = new Map<string, string>();
  const lower = body.toLowerCase();
  let at = 0;
  for (;;) {
    const open = lower.indexOf('<a', at);
    if (open < 0) break;
    const close = body.indexOf('>', open);
    const end = lower.indexOf('</a>', close);
    if (close < 0 || end < 0) break;
    const filename = body.slice(close + 1, end).trim();
    filenames.push(filename);
    const hash = /#sha256=([0-9a-f]{64})/i.exec(body.slice(open, close));
    if (hash) hashes.set(filename, hash[1].toLowerCase());
    at = end + 4;
  }
  return { filenames, hashes };
}

const ARCHIVE = /\.(whl|tar\.gz|tar\.bz2|tar\.xz|zip|tgz|egg)$/i;

/** Versions from distribution file names: wheels `name-ver-...whl`, sdists `name-ver.tar.gz`. */
export function versionsFromFilenames(project: string, filenames: string[]): string[] {
  const versions: string[] = [];
  for (const file of filenames) {
    const m = ARCHIVE.exec(file);
    if (!m) continue;
    const stem = file.slice(0, -m[0].length);
    if (m[1].toLowerCase() === 'whl') {
      const parts = stem.split('-');
      if (parts.length >= 5) versions.push(parts[1]);
      continue;
    }
    // sdists: the name may itself contain dashes; find where the normalised prefix ends
    const parts = stem.split('-');
    for (let i = 1; i < parts.length; i++) {
      if (normalizePythonName(parts.slice(0, i).join('-')) === project) {
        versions.push(parts.slice(i).join('-'));
        break;
      }
    }
  }
  return versions;
}
