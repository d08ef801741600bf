/** Settings shared by the editor (`groundcheck.*`) and the standalone server; defaults live here only. */
import type { FindingCode, Severity } from '../model';

export interface GroundcheckSettings {
  enable: boolean;
  /** Names and globs that are never reported (`@acme/*`). */
  allow: string[];
  /** Scopes whose names are never sent to the default registry, only to their own `@scope:registry`. */
  privateScopes: string[];
  severity: Record<FindingCode, Severity>;
  /** Never touch the network: answers come from the cache and the bundled snapshot, else "unverified". */
  offline: boolean;
  debounceMs: number;
  /** Thresholds of the risk signals of names that exist (findings/risk.ts). */
  risk: RiskThresholds;
  python: {
    /** The package index (a Simple API URL); else pip's own configuration, else PyPI. */
    indexUrl?: string;
    /** The project's environment or interpreter; else .venv, venv, env, $VIRTUAL_ENV. */
    environment?: string;
  };
}

export const DEFAULT_SETTINGS: GroundcheckSettings = {
  enable: true,
  allow: [],
  privateScopes: [],
  severity: { 'missing-package': 'error', 'missing-version': 'error', 'undeclared-dependency': 'warning', 'unverified-package': 'hint', 'missing-export': 'error', 'export-in-other-version': 'warning',
    'suspicious-package': 'warning', 'manifest-unreadable': 'error', 'lockfile-source': 'error', 'lockfile-integrity': 'error', 'check-failed': 'warning' },
  offline: false,
  debounceMs: 300,
  risk: { newPackageDays: 30, fewVersions: 2, minMonthlyDownloads: 1000 },
  python: {},
};

export interface RiskThresholds {
  /** First published fewer days ago than this: "new". */
  newPackageDays: number;
  /** This many versions or fewer: "few versions". */
  fewVersions: number;
  /** Fewer monthly downloads than this (per the bundled snapshot): "unpopular". */
  minMonthlyDownloads: number;
}

const SEVERITIES: Severity[] = ['error', 'warning', 'information', 'hint', 'off'];

/** Merges whatever a client sent (possibly partial or malformed) over the defaults. */
export function normalizeSettings(raw: unknown): GroundcheckSettings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.length > 0) : []);
  const severity = { ...DEFAULT_SETTINGS.severity };
  if (r.severity && typeof r.severity === 'object') {
    for (const [code, sev] of Object.entries(r.severity as Record<string, unknown>)) {
      if (code in severity && SEVERITIES.includes(sev as Severity)) severity[code as FindingCode] = sev as Severity;
    }
  }
  const debounce = Number(r.debounceMs);
  const py = (r.python && typeof r.python === 'object' ? r.python : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  return {
    enable: r.enable === undefined ? true : r.enable !== false,
    allow: strings(r.allow),
    privateScopes: strings(r.privateScopes).map((s) => (s.startsWith('@') ? s : `@${s}`)),
    severity,
    offline: r.offline === true,
    debounceMs: Number.isFinite(debounce) && debounce >= 0 ? Math.min(debounce, 10_000) : DEFAULT_SETTINGS.debounceMs,
    risk: normalizeRisk(r.risk),
    python: { indexUrl: text(py.indexUrl), environment: text(py.environment) },
  };
}

function normalizeRisk(raw: unknown): RiskThresholds {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const count = (v: unknown, fallback: number, max: number) => {
    const n = Number(v);
    return v !== undefined && Number.isFinite(n) && n >= 0 ? Math.min(Math.floor(n), max) : fallback;
  };
  const d = DEFAULT_SETTINGS.risk;
  return {
    newPackageDays: count(r.newPackageDays, d.newPackageDays, 3650),
    fewVersions: count(r.fewVersions, d.fewVersions, 1000),
    minMonthlyDownloads: count(r.minMonthlyDownloads, d.minMonthlyDownloads, 1e9),
  };
}
