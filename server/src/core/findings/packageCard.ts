/**
 * The hover card of a package name (an import, a dependency, a lockfile entry, an install command):
 * what the registry says about it and why Groundcheck does or does not flag it. Built from what is
 * already known (the check's verdict, the cached metadata, the bundled snapshot): hovering never
 * sends a request.
 */
import type { CheckedPackage, Finding, PackageMetadata } from '../model';
import type { RiskThresholds } from '../config/settings';
import type { Imitation } from '../suggest/popularIndex';
import { assessRisk, type Popularity } from './risk';

export interface CardInput {
  pkg: CheckedPackage;
  /** The finding on this name in the same check, if any. */
  finding?: Finding;
  meta?: PackageMetadata;
  popularity?: Popularity;
  imitation?: Imitation;
  thresholds: RiskThresholds;
  now: number;
}

const day = (ms: number | undefined) => (ms === undefined ? 'unknown' : new Date(ms).toISOString().slice(0, 10));

function band(p: Popularity | undefined): string {
  if (!p) return 'unknown';
  if (p.downloads === 0) return `under 1,000 downloads a month (${p.snapshotDate} snapshot)`;
  const rounded = Number(p.downloads.toPrecision(2));
  return `about ${rounded.toLocaleString('en-US')} downloads a month (${p.snapshotDate} snapshot)`;
}

export function packageCard(input: CardInput): string {
  const { pkg, finding, meta } = input;
  const head = [`**${pkg.name}**`, meta?.latest ?? pkg.latest, meta?.license].filter(Boolean).join(' · ');
  const lines = [head];
  if (meta?.description) lines.push('', meta.description.length > 200 ? `${meta.description.slice(0, 199)}…` : meta.description);
  if (meta) {
    lines.push(
      '',
      '| | |',
      '|---|---|',
      `| Repository | ${meta.repository ?? 'none named'} |`,
      `| First published | ${day(meta.firstPublished)} |`,
      `| Last published | ${day(meta.lastPublished)} |`,
      `| Versions | ${meta.versionCount} |`,
      `| Install scripts | ${meta.installScripts.length ? meta.installScripts.join(', ') : 'none'} |`,
      `| Popularity | ${band(input.popularity)} |`,
    );
    if (meta.deprecated) lines.push('', `Deprecated: ${meta.deprecated}`);
  } else if (pkg.ecosystem === 'npm' && pkg.status === 'exists') {
    lines.push('', `Popularity: ${band(input.popularity)}. (Registry details appear once they are fetched.)`);
  }
  lines.push('', `Groundcheck: ${verdict(input)}`);
  return lines.join('\n');
}

function verdict({ pkg, finding, meta, popularity, imitation, thresholds, now }: CardInput): string {
  if (finding) return `flagged (${finding.code}): ${finding.message}`;
  const where = pkg.registry ? ` on ${pkg.registry}` : '';
  if (pkg.status === 'unverified') return `not verified${where}; it will be checked again.`;
  if (pkg.status === 'missing') return `not published${where}.`;
  const base = `not flagged: published${where}`;
  if (!meta || !popularity) return `${base}.`;
  const seen = assessRisk(meta, popularity, imitation, thresholds, now).reasons.map((r) => r.text);
  return seen.length ? `${base}; signals seen (${seen.join('; ')}), but not a combination that makes a package suspicious.` : `${base}, with none of the risk signals.`;
}
