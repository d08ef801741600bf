/**
 * What a project depends on, each with Groundcheck's verdict: the inventory an SBOM is written from
 * (cli/sbom.ts). Locked versions come from the project's lockfiles, checked by the same pipeline as
 * `groundcheck check` (registry versions, integrity, download hosts, risk); a project without an npm
 * lockfile contributes its package.json dependencies, by name and declared range.
 */
import * as path from 'path';
import type { CancellationToken, FileSystem } from '../io';
import type { CheckResult, Finding } from '../model';
import type { GroundcheckSettings } from '../config/settings';
import type { DocumentChecker } from '../pipeline';
import { LOCKFILE_KINDS, lockedEntries, type LockedEntry } from '../extract/lockfileEntries';
import { LineIndex } from '../lineIndex';

export type Verdict = 'verified' | 'suspicious' | 'unverified' | 'not-published' | 'tampered';

export interface InventoryItem {
  ecosystem: 'npm' | 'pypi';
  name: string;
  /** The locked version; undefined for a dependency known only by its declared range. */
  version?: string;
  range?: string;
  registry?: string;
  /** Subresource integrity the lockfile records (npm). */
  integrity?: string;
  /** Where the lockfile downloads it from. */
  url?: string;
  verdict: Verdict;
  /** Why, when it is not verified (the finding's message, or the reason it could not be verified). */
  reason?: string;
  /** The file it was read from, relative to the project root. */
  source: string;
}


const VERDICT_OF: Partial<Record<Finding['code'], Verdict>> = {
  'missing-package': 'not-published',
  'missing-version': 'not-published',
  'lockfile-integrity': 'tampered',
  'lockfile-source': 'tampered',
  'suspicious-package': 'suspicious',
};

export async function inventory(checker: DocumentChecker, fs: FileSystem, root: string, settings: GroundcheckSettings, token: CancellationToken): Promise<InventoryItem[]> {
  const items = new Map<string, InventoryItem>();
  const add = (item: InventoryItem) => {
    const key = `${item.ecosystem}\0${item.name}\0${item.version ?? item.range ?? ''}`;
    const known = items.get(key);
    // The same package locked twice (npm and yarn lockfiles side by side): the worse verdict stays.
    if (!known || (known.verdict === 'verified' && item.verdict !== 'verified')) items.set(key, item);
  };
  let npmLocked = false;
  for (const [name, kind] of Object.entries(LOCKFILE_KINDS)) {
    const file = path.join(root, name);
    const text = fs.readFile(file);
    if (text === undefined) continue;
    if (kind !== 'poetry' && kind !== 'uv') npmLocked = true;
    const result = await checker.checkDocument({ path: file, text }, settings, token);
    for (const item of lockfileItems(lockedEntries(kind, text), result, text, name, settings.offline)) add(item);
  }
  const manifestFile = path.join(root, 'package.json');
  const manifest = fs.readFile(manifestFile);
  if (!npmLocked && manifest !== undefined) {
    const result = await checker.checkDocument({ path: manifestFile, text: manifest }, settings, token);
    // (what the check just read: the project model's manifest of this folder)
    const declared = checker.projects.npm.forFile(manifestFile).manifest?.dependencies ?? new Map<string, string>();
    for (const p of result.packages ?? []) {
      const finding = result.findings.find((f) => sameStart(f.range, p.range) && VERDICT_OF[f.code]);
      add({
        ecosystem: 'npm', name: p.name, range: declared.get(p.name), registry: p.registry, source: 'package.json',
        verdict: finding ? VERDICT_OF[finding.code]! : p.status === 'exists' ? 'verified' : p.status === 'missing' ? 'not-published' : 'unverified',
        reason: finding?.message ?? (p.status === 'unverified' ? 'the registry could not be asked' : undefined),
      });
    }
  }
  return [...items.values()].sort((a, b) => (a.ecosystem + a.name + (a.version ?? '')).localeCompare(b.ecosystem + b.name + (b.version ?? '')));
}

const sameStart = (a: { start: { line: number; character: number } }, b: { start: { line: number; character: number } }) => a.start.line === b.start.line && a.start.character === b.start.character;

function lockfileItems(entries: LockedEntry[], result: CheckResult, text: string, source: string, offline: boolean): InventoryItem[] {
  const lines = new LineIndex(text);
  const at = (s: { offset: number }) => lines.positionAt(s.offset);
  const out: InventoryItem[] = [];
  for (const e of entries) {
    if (!e.version) continue; // git, file, link and workspace entries are not registry packages
    const spans = [e.at, e.integrity, e.url, e.index, ...(e.files ?? []).map((f) => f.at)].filter((s): s is { offset: number; length: number } => !!s).map((s) => ({ start: at(s) }));
    const finding = result.findings.find((f) => VERDICT_OF[f.code] && spans.some((s) => sameStart(f.range, s)));
    const looked = result.packages?.find((p) => sameStart(p.range, { start: at(e.at) }));
    const unverifiedReason = result.findings.find((f) => f.code === 'unverified-package')?.data.unverifiedReason;
    out.push({
      ecosystem: e.ecosystem, name: e.name, version: e.version, registry: looked?.registry, integrity: e.integrity?.value, url: e.url?.value ?? e.index?.value, source,
      verdict: finding ? VERDICT_OF[finding.code]! : looked?.status === 'exists' ? 'verified' : 'unverified',
      reason: finding?.message ?? (looked?.status === 'exists' ? undefined : (unverifiedReason ?? (offline ? 'offline: the registry was not asked' : 'not looked up'))),
    });
  }
  return out;
}
