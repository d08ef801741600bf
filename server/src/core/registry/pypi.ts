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

export class PypiClient implements RegistryClient<PypiConfig> {
  private async fetchFromFolder(name: string, index: string, base: Omit<PackageInfo, 'status'>): Promise<PackageInfo> {
    let dir: string;
    try {
      dir = fileURLToPath(index);
    } catch {
      return { ...base, status: 'unverified', reason: 'not a usable file: URL', registryFault: true };
    }
    const files = await readFolderProject(dir, name);
    if (files === 'absent') return { ...base, status: 'missing' };
    if (!files) return { ...base, status: 'unverified', reason: 'malformed index page', registryFault: true };
    return projectPage(base, name, files);
  }

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

  private async fetchOne(name: string, index: string): Promise<PackageInfo> {
    const base = { name, registry: index, source: 'registry' as const, checkedAt: this.o.clock.now() };
    if (index.startsWith('file:')) return this.fetchFromFolder(name, index, base);
    const { url, headers } = withCredentials(`${index}${encodeURIComponent(name)}/`);
    let res: Response;
    let body: string;
    try {
      if (this.o.signal?.aborted) return { ...base, status: 'unverified', reason: DEADLINE };
      const signal = this.o.signal ? AbortSignal.any([AbortSignal.timeout(this.o.timeoutMs), this.o.signal]) : AbortSignal.timeout(this.o.timeoutMs);
      res = await fetch(url, { headers: { ...headers, Accept: ACCEPT }, signal, redirect: 'follow' });
      body = await res.text();
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      if (this.o.signal?.aborted) return { ...base, status: 'unverified', reason: DEADLINE };
      const reason = err.name === 'TimeoutError' ? `timed out after ${this.o.timeoutMs} ms` : (err.cause?.code ?? err.message);
      return { ...base, status: 'unverified', reason, registryFault: true };
    }
    if (res.status === 404) return { ...base, status: 'missing' };
    if (!res.ok) {
      const headerRecord = Object.fromEntries(res.headers.entries());
      const registryFault = !(res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429);
      return { ...base, status: 'unverified', reason: `HTTP ${res.status}`, registryFault, retryAfterMs: retryAfter(headerRecord, this.o.clock.now()) };
    }
    const type = res.headers.get('content-type') ?? '';
    const files: { filenames: string[]; versions?: string[] } | undefined = type.includes('json') ? filesFromJson(body) : filesFromHtml(body);
    if (!files) return { ...base, status: 'unverified', reason: 'malformed index reply', registryFault: true };
    return projectPage(base, name, files);
  }
}

/** A project page read: every version it lists, newest first, and the newest final release. */
function projectPage(base: Omit<PackageInfo, 'status'>, name: string, files: { filenames: string[]; versions?: string[] }): PackageInfo {
  const versions = files.versions ?? versionsFromFilenames(name, files.filenames);
  const sorted: string[] = [...new Set<string>(versions)].filter((v) => pep440.valid(v)).sort(pep440.rcompare);
  const latest = sorted.find((v) => !/[a-z]/i.test(v.replace(/post\d*/i, ''))) ?? sorted[0];
  return { ...base, status: 'exists', versions: sorted, latest };
}

/**
 * A static index on disk (`file:///opt/pypi/simple/`), as pip reads one: `<name>/index.html` (or
 * `index.json`). Like pip, a folder that is not there simply has no projects.
 */
async function readFolderProject(dir: string, name: string): Promise<{ filenames: string[]; versions?: string[] } | 'absent' | undefined> {
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

function filesFromJson(body: string): { filenames: string[]; versions?: string[] } | undefined {
  try {
    const json = JSON.parse(body) as { files?: { filename?: unknown }[]; versions?: unknown };
    if (!json || typeof json !== 'object' || !Array.isArray(json.files)) return undefined;
    const versions = Array.isArray(json.versions) ? json.versions.filter((v): v is string => typeof v === 'string') : undefined; // PEP 700
    return { filenames: json.files.map((f) => f?.filename).filter((f): f is string => typeof f === 'string'), versions };
  } catch {
    return undefined;
  }
}

/** The anchors' texts of a PEP 503 page (one per file). A small tag scanner: the page is data, not code. */
function filesFromHtml(body: string): { filenames: string[]; versions?: string[] } | undefined {
  if (!/<html|<a\s|<!doctype/i.test(body)) return undefined;
  const filenames: string[] = [];
  let at = 0;
  for (;;) {
    const open = body.toLowerCase().indexOf('<a', at);
    if (open < 0) break;
    const close = body.indexOf('>', open);
    const end = body.toLowerCase().indexOf('</a>', close);
    if (close < 0 || end < 0) break;
    filenames.push(body.slice(close + 1, end).trim());
    at = end + 4;
  }
  return { filenames };
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
