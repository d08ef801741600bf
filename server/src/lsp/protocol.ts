/** Names shared by the server and the client: custom notifications and command ids. */

/**
 * Node options for the server process. Parsing leaves short-lived garbage: a small young
 * generation and V8's size-over-speed heuristics keep RSS ~30 MB lower with 200 files open,
 * at no measurable latency cost (see `npm run bench`). Keep bin/groundcheck-lsp.js in step.
 */
export const SERVER_NODE_ARGS = ['--max-semi-space-size=2', '--optimize-for-size'];

export const STATUS_NOTIFICATION = 'groundcheck/status';

export interface StatusParams {
  state: 'checking' | 'idle';
  /** Findings across open documents, by code. */
  findings: number;
  unverified: number;
  offline: boolean;
  /** A registry lookup failed recently: answers are "unverified" until it recovers. */
  degraded: boolean;
  lastCheckMs?: number;
  uri?: string;
}

/** Internal counters, for tests, the benchmark and bug reports. */
export const STATS_REQUEST = 'groundcheck/stats';

export interface StatsResult {
  openDocuments: number;
  /** Check results retained (one per open document at most). */
  retainedResults: number;
  registryCacheEntries: number;
  lookupsInFlight: number;
  networkLookups: number;
  rssMb: number;
  heapUsedMb: number;
}

/** Run by the server (the client forwards its commands to them). */
export const SERVER_COMMANDS = {
  recheck: 'groundcheck.server.recheck',
  clearCache: 'groundcheck.server.clearCache',
} as const;

/** Run by the VS Code client: they touch editor settings and terminals. */
export const CLIENT_COMMANDS = {
  allowPackage: 'groundcheck.allowPackage',
  openInstallTerminal: 'groundcheck.openInstallTerminal',
} as const;

export interface AllowPackageArgs {
  name: string;
  uri: string;
}

export interface InstallTerminalArgs {
  cwd: string;
  command: string;
}

/** What a groundcheck diagnostic carries for its quick fixes. */
export interface DiagnosticData {
  version: number;
  packageName: string;
  subpath: string;
  suggestions: string[];
  latest?: string;
  manifestPath?: string;
  dev?: boolean;
  packageManager?: string;
  ecosystem?: 'npm' | 'pypi';
  manifestKind?: 'requirements' | 'pyproject';
  distribution?: string;
  installCommand?: string;
}
