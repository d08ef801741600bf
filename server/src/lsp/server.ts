/**
 * The language server: translates LSP events into core checks and findings into diagnostics.
 * No analysis lives here.
 */
import * as os from 'os';
import * as path from 'path';
import { URI } from 'vscode-uri';
import {
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  MarkupKind,
  type Diagnostic,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { createCore, defaultCacheDir, type Core } from '../core';
import { CancelledError, nodeFileSystem, type Logger } from '../core/io';
import { isSupportedDocument } from '../core/extract';
import { normalizeSettings, type GroundcheckSettings } from '../core/config/settings';
import type { CheckResult } from '../core/model';
import type { ConfigProblem } from '../core/config/validate';
import { WATCHED_FILE_GLOBS } from '../core/watchedFiles';
import { toolVersion as version } from '../core/version';
import { codeActionsFor } from './codeActions';
import { toDiagnostic } from './diagnostics';
import {
  ExportSuggestionsRequest,
  SERVER_COMMANDS,
  StatsRequest,
  StatusNotification,
  type ExportSuggestionsParams,
  type ExportSuggestionsResult,
  type StatsResult,
  type StatusParams,
} from '../../../shared/protocol';
import { contains, hoverFor, overlaps } from './hover';
import { isBlockInsertion, ValidationScheduler, type Priority } from './scheduler';

export interface InitializationOptions {
  /** The extension's global storage; the standalone server uses an XDG cache dir. */
  cacheDir?: string;
  /** False in an untrusted VS Code workspace: only the registry lines of the project's .npmrc are used, never its credentials. */
  trusted?: boolean;
  /** Settings for clients that do not support workspace/configuration. */
  settings?: unknown;
  /** Registry request timeout, ms. */
  timeoutMs?: number;
}

/** Delay for a block that arrived in one edit: enough to coalesce a burst, far below the debounce. */
const BLOCK_DELAY_MS = 10;
/** How long a check waits for its early package verdicts to be written before it goes on. */
const PARTIAL_WRITE_WAIT_MS = 250;

export function startServer(connection: Connection): void {
  const logger: Logger = {
    error: (m) => connection.console.error(m),
    warn: (m) => connection.console.warn(m),
    info: (m) => connection.console.info(m),
    debug: (m) => connection.console.log(m),
  };
  // A promise nobody awaited is a bug: say so loudly (the fuzz tests look for this line) but keep serving.
  process.on('unhandledRejection', (reason) => logger.error(`unhandled rejection: ${(reason as Error)?.stack ?? reason}`));
  let core: Core | undefined;
  let pullConfiguration = false;
  let dynamicWatchers = false;
  let fallbackSettings: GroundcheckSettings = normalizeSettings(undefined);
  const settingsCache = new Map<string, Promise<GroundcheckSettings>>();
  const results = new Map<string, CheckResult & { version: number }>();
  const blockInserted = new Set<string>();
  let lastCheckMs: number | undefined;
  // Problems of groundcheck.json files, shown on the file itself (merged with its own findings, if any).
  const configDiagnostics = new Map<string, Diagnostic[]>();
  let lastStatus = '';

  // Wraps the standard update to notice edits that insert whole blocks.
  const documents = new TextDocuments<TextDocument>({
    create: TextDocument.create,
    update(doc: TextDocument, changes: TextDocumentContentChangeEvent[], version: number) {
      if (isBlockInsertion(changes)) blockInserted.add(doc.uri);
      return TextDocument.update(doc, changes, version);
    },
  });

  const getSettings = (uri: string): Promise<GroundcheckSettings> => {
    if (!pullConfiguration) return Promise.resolve(fallbackSettings);
    let s = settingsCache.get(uri);
    if (!s) {
      s = connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'groundcheck' })
        .then(normalizeSettings, (e: Error) => {
          logger.warn(`workspace/configuration failed (${e.message}); using defaults`);
          return fallbackSettings;
        });
      settingsCache.set(uri, s);
    }
    return s;
  };

  const sendStatus = (state: StatusParams['state']) => {
    const all = [...results.values()];
    const status: StatusParams = {
      state,
      findings: all.reduce((n, r) => n + r.findings.filter((f) => f.code !== 'unverified-package' && !f.data.typescriptReports).length, 0),
      unverified: all.reduce((n, r) => n + r.unverified, 0),
      offline: fallbackSettings.offline,
      degraded: all.some((r) => r.unverified > 0),
      lastCheckMs,
      configErrors: [...configDiagnostics.values()].reduce((n, d) => n + d.length, 0),
    };
    const key = JSON.stringify({ ...status, lastCheckMs: undefined });
    if (key === lastStatus && state === 'idle') return;
    lastStatus = key;
    void connection.sendNotification(StatusNotification, status);
  };

  const validate = async (uri: string, token: CancellationToken): Promise<void> => {
    const doc = documents.get(uri);
    if (!doc || !core) return;
    const version = doc.version;
    const settings = await getSettings(uri);
    if (token.isCancellationRequested) return;
    sendStatus('checking');
    try {
      const filePath = toPath(uri);
      // Package verdicts are published as soon as they are known; API verdicts follow for the same version.
      // An early publication with nothing to show would only make squiggles blink: it is skipped.
      const onPartial = (partial: CheckResult) => {
        if (token.isCancellationRequested || documents.get(uri)?.version !== version || partial.findings.length === 0) return;
        // (the check waits for the write, but not for a client that has stopped reading)
        const written = connection.sendDiagnostics({ uri, version, diagnostics: diagnosticsFor(uri, partial.findings, version) });
        return Promise.race([written, new Promise<void>((resolve) => setTimeout(resolve, PARTIAL_WRITE_WAIT_MS).unref())]);
      };
      const result = await core.checker.checkDocument({ path: filePath, languageId: doc.languageId, text: doc.getText() }, settings, token, { onPartial });
      // Publish only for the version that was checked, and only if it is still the newest.
      if (token.isCancellationRequested || documents.get(uri)?.version !== version) return;
      if (result.skipped && result.skipped !== 'disabled') logger.info(`${uri}: ${result.skipped}`);
      results.set(uri, { ...result, version });
      lastCheckMs = result.timings.totalMs;
      // What hover cards show is fetched now, after the verdicts, so that hovering never waits on the network.
      if (result.packages?.length) core.prefetchMetadata(filePath, result.packages, settings);
      await connection.sendDiagnostics({ uri, version, diagnostics: diagnosticsFor(uri, result.findings, version) });
      await publishConfigProblems();
    } catch (e) {
      if (!(e instanceof CancelledError)) logger.error(`checking ${uri} failed: ${(e as Error).stack ?? e}`);
    }
  };
  /** What is shown for a document: its findings (less those TypeScript already reports) and, for groundcheck.json, its schema problems. */
  const diagnosticsFor = (uri: string, findings: CheckResult['findings'], version: number): Diagnostic[] => [
    // Where TypeScript reports the same unknown export, its squiggle is the one shown (see README, "No double squiggles").
    ...findings.filter((f) => !f.data.typescriptReports).map((f) => toDiagnostic(f, version)),
    ...(configDiagnostics.get(uri) ?? []),
  ];

  /** Publishes (or clears) the schema problems of every groundcheck.json read so far, on that file. */
  const publishConfigProblems = async () => {
    if (!core) return;
    const now = new Map<string, Diagnostic[]>();
    for (const config of core.checker.projects.projectConfigsRead()) {
      if (config.problems.length > 0) now.set(URI.file(config.file).toString(), config.problems.map(configDiagnostic));
    }
    for (const uri of new Set([...configDiagnostics.keys(), ...now.keys()])) {
      const next = now.get(uri) ?? [];
      if (JSON.stringify(next) === JSON.stringify(configDiagnostics.get(uri) ?? [])) continue;
      if (next.length > 0) configDiagnostics.set(uri, next);
      else configDiagnostics.delete(uri);
      const own = results.get(uri);
      await connection.sendDiagnostics({ uri, diagnostics: diagnosticsFor(uri, own?.findings ?? [], own?.version ?? 0) });
    }
  };

  const scheduler = new ValidationScheduler(validate, () => sendStatus('idle'));

  const scheduleDocument = async (doc: TextDocument, immediate: boolean, priority: Priority = 'edit') => {
    if (!isSupportedDocument({ path: toPath(doc.uri), languageId: doc.languageId })) return;
    const settings = await getSettings(doc.uri);
    scheduler.schedule(doc.uri, immediate ? BLOCK_DELAY_MS : settings.debounceMs, priority);
  };

  const revalidateAll = () => {
    for (const doc of documents.all()) void scheduleDocument(doc, true, 'open');
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const init = (params.initializationOptions ?? {}) as InitializationOptions;
    pullConfiguration = !!params.capabilities.workspace?.configuration;
    dynamicWatchers = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    fallbackSettings = normalizeSettings(init.settings);
    const cacheDir = init.cacheDir ?? defaultCacheDir();
    core = createCore({ logger, cacheDir, trusted: init.trusted !== false, timeoutMs: init.timeoutMs });
    // The editor is waiting for this answer anyway: pay one-time module loading here, not mid-check.
    if (!fallbackSettings.offline) core.preload();
    core.loadParser();
    logger.info(`groundcheck ${version()} on Node ${process.version}; cache ${cacheDir}; workspace ${init.trusted === false ? 'untrusted: registry lines of the project .npmrc only, no credentials' : 'trusted'}`);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        hoverProvider: true,
        executeCommandProvider: { commands: Object.values(SERVER_COMMANDS) },
      },
      serverInfo: { name: 'groundcheck', version: version() },
    };
  });

  connection.onInitialized(() => {
    if (pullConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'groundcheck' }).catch(() => undefined);
    // The server says which files it reads, so every client (not only VS Code) invalidates it.
    if (dynamicWatchers) {
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: WATCHED_FILE_GLOBS.map((globPattern) => ({ globPattern })) })
        .catch((e: Error) => logger.warn(`could not register file watchers: ${e.message}`));
    }
  });

  connection.onDidChangeConfiguration((change) => {
    settingsCache.clear();
    if (!pullConfiguration) fallbackSettings = normalizeSettings((change.settings as { groundcheck?: unknown } | undefined)?.groundcheck);
    revalidateAll();
  });

  connection.onDidChangeWatchedFiles(() => {
    // package.json, tsconfig, .npmrc, lockfiles or node_modules changed
    core?.checker.invalidate();
    revalidateAll();
  });

  documents.onDidOpen((e) => void scheduleDocument(e.document, true, 'open'));
  documents.onDidChangeContent((e) => {
    const immediate = blockInserted.delete(e.document.uri);
    void scheduleDocument(e.document, immediate);
  });
  documents.onDidClose((e) => {
    scheduler.cancel(e.document.uri);
    core?.checker.javascript.parser.forget(toPath(e.document.uri));
    settingsCache.delete(e.document.uri);
    results.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    sendStatus('idle');
  });

  connection.onCodeAction((params) => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    const projectConfig = core?.checker.projects.projectConfigFor(toPath(document.uri));
    return codeActionsFor({ document, diagnostics: params.context.diagnostics, fs: nodeFileSystem, openDocument: (u) => documents.get(u), projectConfig });
  });

  connection.onHover(async (params) => {
    const result = results.get(params.textDocument.uri);
    const doc = documents.get(params.textDocument.uri);
    if (!result || !doc || result.version !== doc.version || !core) return null;
    const api = result.apis && hoverFor(result.apis, params.position);
    if (api) return api;
    // A package name: its card, from the check's verdict and cached registry facts (no request).
    const pkg = result.packages?.find((p) => contains(p.range, params.position));
    if (!pkg) return null;
    const finding = result.findings.find((f) => overlaps(f.range, pkg.range) && f.data.packageName !== '' && !f.data.exportName);
    const card = core.packageCard(toPath(doc.uri), pkg, finding, await getSettings(doc.uri));
    return { contents: { kind: MarkupKind.Markdown, value: card }, range: pkg.range };
  });

  connection.onRequest(ExportSuggestionsRequest, (params: ExportSuggestionsParams): ExportSuggestionsResult | null => {
    const result = results.get(params.uri);
    if (!result || documents.get(params.uri)?.version !== result.version) return null;
    const finding = result.findings.find((f) => f.data.exportName && f.data.typescriptReports && overlaps(f.range, params.range));
    if (!finding) return null;
    return { version: result.version, name: finding.data.exportName!, suggestions: finding.data.suggestions, message: finding.message };
  });

  connection.onExecuteCommand((params) => {
    if (params.command === SERVER_COMMANDS.clearCache) {
      core?.clear();
      logger.info('registry cache cleared');
    }
    if (params.command === SERVER_COMMANDS.recheck || params.command === SERVER_COMMANDS.clearCache) {
      core?.checker.invalidate();
      revalidateAll();
    }
  });

  connection.onRequest(StatsRequest, (): StatsResult => {
    const mem = process.memoryUsage();
    return {
      openDocuments: documents.all().length,
      retainedResults: results.size,
      registryCacheEntries: core?.lookup.cachedEntries ?? 0,
      lookupsInFlight: core?.lookup.inFlightCount ?? 0,
      networkLookups: core?.lookup.stats.network ?? 0,
      rssMb: Math.round(mem.rss / 1048576),
      heapUsedMb: Math.round(mem.heapUsed / 1048576),
    };
  });

  connection.onShutdown(() => {
    scheduler.dispose();
    core?.flush();
  });

  documents.listen(connection);
  connection.listen();
}

function configDiagnostic(p: ConfigProblem): Diagnostic {
  const start = { line: p.line ?? 0, character: p.character ?? 0 };
  return {
    range: { start, end: { line: start.line, character: start.character + p.length } },
    severity: DiagnosticSeverity.Error,
    source: 'groundcheck',
    code: 'invalid-configuration',
    message: p.message,
  };
}

function toPath(uri: string): string {
  const parsed = URI.parse(uri);
  if (parsed.scheme === 'file') return parsed.fsPath;
  // A notebook cell's URI carries the notebook's path: resolve its imports from there.
  if (parsed.scheme === 'vscode-notebook-cell') return URI.file(parsed.path).fsPath;
  // untitled and other schemes: a pseudo path with the right extension, resolved from the home dir
  return path.join(os.homedir(), path.basename(parsed.path) || 'untitled');
}
