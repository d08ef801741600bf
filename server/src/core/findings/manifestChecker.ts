/**
 * package.json as a place where made-up names get installed: every registry dependency must exist
 * (`missing-package` on the name, with suggestions), must not be a squat of a popular package
 * (`suspicious-package`), and its range must be satisfiable by a published version
 * (`missing-version` on the range, naming the newest release; not for peer ranges, which describe
 * compatibility rather than an install). `workspace:`, `file:`, `link:`, git,
 * URL and `catalog:` specs are not registry versions and are skipped; `npm:` aliases are checked at
 * their target. Offsets come from jsonc-parser, so diagnostics sit exactly on the name or range.
 */
import * as semver from 'semver';
import { findNodeAtLocation, parseTree, type Node as JsonNode } from 'jsonc-parser';
import { CancelledError, type CancellationToken } from '../io';
import type { CheckedPackage, Finding, PackageInfo, Position, Range } from '../model';
import type { GroundcheckSettings } from '../config/settings';
import { dependencySource } from '../resolve/manifest';
import type { ProjectInfo } from '../resolve/project';
import { isPossibleNpmName, matchesAny } from '../resolve/specifier';
import type { NpmConfig } from '../registry/npmrc';
import { refusedByPrivateScope } from '../registry/npmrc';
import type { PackageLookup } from '../registry/lookup';
import type { PopularIndex } from '../suggest/popularIndex';
import { registryVerdict } from './registryVerdict';
import type { RiskAssessor } from './risk';

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

export interface ManifestCheckerDeps {
  lookup: PackageLookup;
  index: PopularIndex;
  /** Whether a published version satisfies a range (undefined: unknown); remembered across runs. */
  satisfiable?: (name: string, range: string, config: NpmConfig) => Promise<boolean | undefined>;
  /** Risk signals of names that exist (suspicious-package beyond the squat rule); without it, only the squat rule. */
  risk?: RiskAssessor;
}

interface Entry {
  name: string;
  registryName: string;
  range?: string;
  nameRange: Range;
  specRange: Range;
  /** A peer range says which versions it works with, not what is installed: its range is not checked. */
  peer: boolean;
}

export class ManifestChecker {
  constructor(private readonly deps: ManifestCheckerDeps) {}

  async check(text: string, project: ProjectInfo, config: NpmConfig, settings: GroundcheckSettings, token: CancellationToken): Promise<{ findings: Finding[]; references: number; unverified: number; packages: CheckedPackage[] }> {
    const tree = parseTree(text);
    if (!tree) return { findings: [], references: 0, unverified: 0, packages: [] };
    const position = positionsOf(text);
    const entries: Entry[] = [];
    for (const field of DEPENDENCY_FIELDS) {
      const section = findNodeAtLocation(tree, [field]);
      if (section?.type !== 'object') continue;
      for (const prop of section.children ?? []) {
        const [key, value] = prop.children ?? [];
        if (key?.type !== 'string' || value?.type !== 'string') continue;
        const entry = this.entryOf(String(key.value), String(value.value), key, value, position, project, field === 'peerDependencies');
        if (entry && !matchesAny(entry.name, settings.allow) && !matchesAny(entry.registryName, settings.allow) && !refusedByPrivateScope(config, entry.registryName)) entries.push(entry);
      }
    }
    const ask = (name: string) => (settings.offline ? Promise.resolve(this.deps.lookup.offline(name, config)) : this.deps.lookup.lookup(name, config));
    const infos = await Promise.all(entries.map((e) => ask(e.registryName)));
    if (token.isCancellationRequested) throw new CancelledError();
    const findings: Finding[] = [];
    let unverified = 0;
    for (let i = 0; i < entries.length; i++) {
      const finding = await this.verdict(entries[i], infos[i], config, settings);
      if (token.isCancellationRequested) throw new CancelledError();
      if (infos[i].status === 'unverified') unverified++;
      if (finding && finding.severity !== 'off') findings.push(finding);
    }
    const packages: CheckedPackage[] = entries.map((e, i) => ({ range: e.nameRange, name: e.registryName, ecosystem: 'npm', status: infos[i].status, registry: infos[i].registry, latest: infos[i].latest }));
    return { findings, references: entries.length, unverified, packages };
  }

  private entryOf(name: string, spec: string, key: JsonNode, value: JsonNode, position: (offset: number) => Position, project: ProjectInfo, peer: boolean): Entry | undefined {
    if (project.workspace?.packages.has(name) || spec.startsWith('catalog:')) return undefined;
    const source = dependencySource(name, spec);
    if (source.kind === 'elsewhere') return undefined;
    const registryName = source.name;
    if (!isPossibleNpmName(registryName)) return undefined;
    const range = spec.startsWith('npm:') ? spec.slice(4 + registryName.length + 1) || undefined : spec;
    // Inside the quotes: the name, and the range as written.
    const inner = (node: JsonNode): Range => ({ start: position(node.offset + 1), end: position(node.offset + node.length - 1) });
    return { name, registryName, range, nameRange: inner(key), specRange: inner(value), peer };
  }

  private async verdict(e: Entry, info: PackageInfo, config: NpmConfig, settings: GroundcheckSettings): Promise<Finding | undefined> {
    const data = { packageName: e.registryName, subpath: '', suggestions: [] as string[], registry: info.registry, latest: info.latest };
    await this.deps.index.ready();
    const risk = await this.deps.risk?.assess(e.registryName, info, config, settings);
    return registryVerdict(e.registryName, info, e.nameRange, data, this.deps.index, settings.severity, risk) ?? this.rangeVerdict(e, info, config, settings, data);
  }

  /** A range no published version satisfies; the version list is consulted only when `latest` does not satisfy it. */
  private async rangeVerdict(e: Entry, info: PackageInfo, config: NpmConfig, settings: GroundcheckSettings, data: Finding['data']): Promise<Finding | undefined> {
    const range = e.range;
    if (!range || e.peer || settings.offline || !this.deps.satisfiable || !semver.validRange(range) || range === '*' || range === 'latest') return undefined;
    if (info.latest && semver.satisfies(info.latest, range, { includePrerelease: true })) return undefined;
    if ((await this.deps.satisfiable(e.registryName, range, config)) !== false) return undefined;
    const newest = info.latest;
    return {
      code: 'missing-version',
      severity: settings.severity['missing-version'],
      range: e.specRange,
      message: `No published version of '${e.registryName}' satisfies ${range} on ${info.registry}${newest ? `; the newest is ${newest}` : ''}.`,
      data: { ...data, latest: newest, suggestions: newest ? [`^${newest}`] : [] },
    };
  }
}

/** Offsets to positions, by a table of line starts. */
function positionsOf(text: string): (offset: number) => Position {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - starts[lo] };
  };
}
