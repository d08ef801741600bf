/**
 * Lockfiles: every `resolved` URL must be on a registry the project uses for that name (its own
 * configuration, for the name's scope or by default) or on a public npm registry. Anything else is
 * `lockfile-source`: `npm ci` would fetch that package from another host, as lockfile injection
 * does. Dependencies the project itself declares from a URL or git are theirs to fetch from there.
 * No network: the check reads the lockfile and the configuration only.
 */
import type { CancellationToken, Clock } from '../io';
import type { CheckResult, Finding } from '../model';
import { LineIndex } from '../lineIndex';
import type { GroundcheckSettings } from '../config/settings';
import type { DocumentInput } from '../extract';
import { lockedSources, lockfileKind } from '../extract/lockfileSources';
import { dependencySource } from '../resolve/manifest';
import { matchesAny } from '../resolve/specifier';
import { registryFor } from '../registry/npmrc';
import type { ProjectContext } from '../project/context';
import { lookupOnlyTimings, type LanguagePipeline } from './types';

/** Hosts of the public npm registry and its well-known aliases: lockfiles written elsewhere name them. */
const PUBLIC_REGISTRY_HOSTS = new Set(['registry.npmjs.org', 'registry.yarnpkg.com', 'registry.npmjs.com', 'registry.npmmirror.com']);

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return undefined;
  }
}

export class LockfilePipeline implements LanguagePipeline {
  readonly name = 'lockfiles';

  constructor(private readonly deps: { clock: Clock; projects: ProjectContext }) {}

  accepts(doc: DocumentInput): boolean {
    return lockfileKind(doc.path) !== undefined;
  }

  async check(doc: DocumentInput, settings: GroundcheckSettings, token: CancellationToken): Promise<CheckResult> {
    const t0 = this.deps.clock.now();
    const sources = lockedSources(lockfileKind(doc.path)!, doc.text);
    const project = this.deps.projects.npm.forFile(doc.path);
    const config = this.deps.projects.npmConfigFor(project, settings);
    const lines = new LineIndex(doc.text);
    const findings: Finding[] = [];
    const severity = settings.severity['lockfile-source'];
    const defaultHost = hostOf(config.options.registry);
    for (const s of sources) {
      if (token.isCancellationRequested) break;
      if (matchesAny(s.name, settings.allow)) continue;
      const host = hostOf(s.url);
      if (!host) continue;
      const registry = registryFor(config, s.name).url;
      if (PUBLIC_REGISTRY_HOSTS.has(host) || host === hostOf(registry) || host === defaultHost) continue;
      // declared by the project as a URL or git dependency: that host is the one it chose
      const declared = project.declaredSpec(s.name);
      if (declared !== undefined && dependencySource(s.name, declared).kind === 'elsewhere') continue;
      findings.push({
        code: 'lockfile-source',
        severity,
        range: { start: lines.positionAt(s.offset), end: lines.positionAt(s.offset + s.length) },
        message: `'${s.name}' is locked to a download from ${host}, which is not a registry this project uses (${hostOf(registry)}). npm ci would install whatever that host serves: regenerate the entry from the registry.`,
        data: { packageName: s.name, subpath: '', suggestions: [], registry },
      });
    }
    return { findings: severity === 'off' ? [] : findings, references: sources.length, unverified: 0, timings: lookupOnlyTimings(this.deps.clock.now() - t0) };
  }
}
