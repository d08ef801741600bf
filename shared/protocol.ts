/**
 * The protocol between Groundcheck's language server and its clients (the VS Code extension, the
 * tests' client): typed request and notification types, command ids, and what diagnostics carry.
 * Imported by client/, server/ and test/ alike; it imports nothing of theirs.
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';

/**
 * Node options for the server process. Parsing leaves short-lived garbage: a small young
 * generation and V8's size-over-speed heuristics keep RSS ~30 MB lower with 200 files open,
 * at no measurable latency cost (see `npm run bench`). WebAssembly (tree-sitter's grammars, the
 * module lexers) stays on V8's baseline compiler: optimising the bash grammar cost ~25 MB of code
 * for parses of a few lines. Keep bin/groundcheck-lsp.js in step.
 */
export const SERVER_NODE_ARGS = ['--max-semi-space-size=2', '--optimize-for-size', '--liftoff-only'];

/**
 * Environment for the server process: glibc gives each thread that allocates (libuv's pool,
 * inflating tarballs and registry replies) an arena of its own, and what they free stays resident.
 * Two arenas kept excalidraw's 200 open files ~17 MB lower (178 vs 195 MB, three runs each). A
 * value the user set is kept. (Other C libraries ignore it.)
 */
export function serverEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return { ...env, MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? '2' };
}

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
  /** Problems in groundcheck.json files (shown as diagnostics on them, and as an error in the status bar). */
  configErrors?: number;
}

/** Server -> client: what the status bar shows. */
export const StatusNotification = new NotificationType<StatusParams>('groundcheck/status');

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

/** Internal counters, for tests, the benchmark and bug reports. */
export const StatsRequest = new RequestType0<StatsResult, void>('groundcheck/stats');

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
  exportName?: string;
}

/**
 * Did-you-mean names for an unknown export at a range, asked by the client for TypeScript's own
 * diagnostics (TS2305, TS2339, TS2724): where TypeScript reports the error, Groundcheck publishes
 * none and offers its replacement on TypeScript's squiggle instead.
 */
export interface ExportSuggestionsParams {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

export interface ExportSuggestionsResult {
  /** The document version the suggestions were computed for. */
  version: number;
  name: string;
  suggestions: string[];
  /** The finding's message, shown in the fix's title context. */
  message: string;
}

export const ExportSuggestionsRequest = new RequestType<ExportSuggestionsParams, ExportSuggestionsResult | null, void>('groundcheck/exportSuggestions');

/** TypeScript diagnostics that say a module or object has no such export or member. */
export const TYPESCRIPT_EXPORT_CODES = [2305, 2339, 2614, 2724];
