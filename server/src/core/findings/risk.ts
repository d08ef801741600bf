/**
 * Risk of a name that exists (`suspicious-package`): what squatters' packages look like, from the
 * registry's full document and the bundled popularity snapshot. No single signal is a verdict (a new
 * package, one with few versions or without a repository is usually just young); only these
 * combinations are:
 *
 *   A. it imitates a far more popular name, it is unpopular, and one registry signal holds;
 *   B. it imitates a far more popular name by a slip or a filler word and two registry signals hold,
 *      whatever its downloads (two edits away is too loose for that);
 *   C. it is unpopular, new, and runs an install script;
 *   D. it is unpopular, new, has few versions and no repository.
 *
 * Registry signals: first published less than `newPackageDays` ago, `fewVersions` versions or fewer,
 * no repository, an install hook (preinstall/install/postinstall) in its latest version.
 */
import type { PackageInfo, PackageMetadata } from '../model';
import type { Clock } from '../io';
import type { GroundcheckSettings, RiskThresholds } from '../config/settings';
import type { Imitation, PopularIndex } from '../suggest/popularIndex';
import type { PackageMetadataStore } from '../registry/packageMetadata';
import { refusedByPrivateScope, registryFor, type NpmConfig } from '../registry/npmrc';

export type RiskSignal = 'imitation' | 'unpopular' | 'new' | 'few-versions' | 'no-repository' | 'install-scripts';

export interface RiskAssessment {
  suspicious: boolean;
  /** Every signal that holds, in words, in the order of `RiskSignal`. */
  reasons: { signal: RiskSignal; text: string }[];
  imitation?: Imitation;
}

export interface Popularity {
  /** Monthly downloads per the snapshot; 0 when the name is not in it (under 1,000). */
  downloads: number;
  snapshotDate: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function assessRisk(meta: PackageMetadata, popularity: Popularity, imitation: Imitation | undefined, thresholds: RiskThresholds, now: number): RiskAssessment {
  const reasons: RiskAssessment['reasons'] = [];
  if (imitation) {
    const how = imitation.how === 'filler' ? `is '${imitation.popular}' with a filler word` : imitation.how === 'typo' ? `is one slip away from '${imitation.popular}'` : `is two edits away from '${imitation.popular}'`;
    reasons.push({ signal: 'imitation', text: `its name ${how}, which has over ${imitation.ratio.toLocaleString('en-US')} times its downloads` });
  }
  const unpopular = popularity.downloads < thresholds.minMonthlyDownloads;
  if (unpopular) reasons.push({ signal: 'unpopular', text: popularity.downloads === 0 ? `it had under 1,000 downloads a month in the ${popularity.snapshotDate} snapshot` : `it had about ${popularity.downloads.toLocaleString('en-US')} downloads a month in the ${popularity.snapshotDate} snapshot` });
  const ageDays = meta.firstPublished !== undefined ? Math.floor((now - meta.firstPublished) / DAY_MS) : undefined;
  if (ageDays !== undefined && ageDays < thresholds.newPackageDays) reasons.push({ signal: 'new', text: `it was first published ${ageDays === 0 ? 'today' : `${ageDays} day${ageDays === 1 ? '' : 's'} ago`}` });
  if (meta.versionCount <= thresholds.fewVersions) reasons.push({ signal: 'few-versions', text: `it has ${meta.versionCount === 1 ? 'a single version' : `only ${meta.versionCount} versions`}` });
  if (!meta.repository) reasons.push({ signal: 'no-repository', text: 'it names no source repository' });
  if (meta.installScripts.length > 0) reasons.push({ signal: 'install-scripts', text: `its latest version runs ${meta.installScripts.join(' and ')} scripts when installed` });
  const has = (s: RiskSignal) => reasons.some((r) => r.signal === s);
  const registrySignals = reasons.filter((r) => ['new', 'few-versions', 'no-repository', 'install-scripts'].includes(r.signal)).length;
  const suspicious =
    (has('imitation') && unpopular && registrySignals >= 1) ||
    (imitation !== undefined && imitation.how !== 'near' && registrySignals >= 2) ||
    (unpopular && has('new') && has('install-scripts')) ||
    (unpopular && has('new') && has('few-versions') && has('no-repository'));
  return { suspicious, reasons, imitation };
}

/** Whether a name is worth a full document for its risk: popular names that imitate nothing never fire. */
export function riskCandidate(popularity: Popularity, imitation: Imitation | undefined, thresholds: RiskThresholds): boolean {
  return imitation !== undefined || popularity.downloads < thresholds.minMonthlyDownloads;
}

export function riskMessage(name: string, assessment: RiskAssessment): string {
  const list = assessment.reasons.map((r) => r.text);
  const joined = list.length > 1 ? `${list.slice(0, -1).join('; ')}; and ${list[list.length - 1]}` : list[0];
  const fix = assessment.imitation ? ` Did you mean '${assessment.imitation.popular}'?` : ' Check that it is the package you meant before installing it.';
  return `'${name}' exists on the npm registry but looks risky: ${joined}. Packages like this are registered to catch names that assistants make up.${fix}`;
}

/**
 * Assesses names that exist, for every pipeline that looks npm names up: the candidates only (see
 * `riskCandidate`), each with one full document from the metadata store. Names of a scoped
 * registry are never assessed: the public snapshot says nothing about them.
 */
export class RiskAssessor {
  constructor(private readonly deps: { metadata: PackageMetadataStore; index: PopularIndex; clock: Clock }) {}

  async assess(name: string, info: PackageInfo, config: NpmConfig, settings: Pick<GroundcheckSettings, 'offline' | 'risk'>): Promise<RiskAssessment | undefined> {
    if (info.status !== 'exists' || info.held || settings.offline || info.source === 'snapshot') return undefined;
    if (registryFor(config, name).scoped || refusedByPrivateScope(config, name)) return undefined;
    await this.deps.index.ready();
    if (this.deps.index.squatOf(name)) return undefined; // the squat rule speaks already, on the name alone
    const popularity = { downloads: this.deps.index.downloads(name), snapshotDate: this.deps.index.date };
    const imitation = this.deps.index.imitationOf(name);
    if (!riskCandidate(popularity, imitation, settings.risk)) return undefined;
    const meta = await this.deps.metadata.get(name, config);
    return meta && assessRisk(meta, popularity, imitation, settings.risk, this.deps.clock.now());
  }
}
