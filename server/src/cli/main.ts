/**
 * `groundcheck check`: the same core as the language server, for CI gates. This module only
 * collects files, runs the checker and translates findings into the chosen format.
 */
import { setMaxListeners } from 'events';
import * as fs from 'fs';
import * as path from 'path';
import { createCore, defaultCacheDir, type Core } from '../core';
import type { inventory as Inventory } from '../core/inventory/inventory';
import type { buildSbom as BuildSbom } from './sbom';
import { normalizeSettings, type GroundcheckSettings } from '../core/config/settings';
import { readProjectConfig, type FailOn } from '../core/config/projectConfig';
import { isJavaScriptDocument } from '../core/extract';
import { readSourceFile } from '../core/sourceFile';
import { ExtractPool, parserWorkerCount, type Extractor } from '../core/extract/extractPool';
import { CachingExtractor, ExtractionCache } from '../core/extract/extractionCache';
import * as os from 'os';
import { checkFailedFinding } from '../core/pipeline';
import { neverCancelled, nodeFileSystem, snapshotFileSystem, type Logger } from '../core/io';
import type { Finding, Severity } from '../core/model';
import { Semaphore } from '../core/registry/lookup';
import { toolVersion } from '../core/version';
import { parseArgs, UsageError, USAGE, type CliOptions } from './args';
import { changedLines, isChanged, type ChangedLines } from './changed';
import { collectFiles, gitRoot } from './files';
import { formatJson } from './format/json';
import { formatSarif } from './format/sarif';
import { formatText } from './format/text';
import { counts, type FileReport, type ScanReport } from './report';

export interface CliIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
}

export const EXIT = { clean: 0, findings: 1, error: 2 } as const;

const RANK: Record<Severity, number> = { error: 3, warning: 2, information: 1, hint: 1, off: 0 };

/** Thrown for configuration and I/O problems: a clear message and exit code 2. */
class CliError extends Error {}

/**
 * `prestarted`: parser workers the entry point started before this module loaded (see
 * server/src/bin/groundcheck.ts); used if the run has enough JavaScript for them, else closed.
 */
export async function runCli(argv: string[], io: CliIo, prestarted?: ExtractPool): Promise<number> {
  let options: CliOptions;
  try {
    options = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`groundcheck: ${e.message}\n\n${USAGE}\n`);
      return EXIT.error;
    }
    throw e;
  }
  if (options.command === 'help') {
    io.stdout.write(USAGE + '\n');
    return EXIT.clean;
  }
  if (options.command === 'version') {
    io.stdout.write(toolVersion() + '\n');
    return EXIT.clean;
  }
  try {
    if (options.command === 'sbom') {
      await prestarted?.close();
      return await sbom(options, io);
    }
    return await check(options, io, prestarted);
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr.write(`groundcheck: ${e.message}\n`);
      return EXIT.error;
    }
    io.stderr.write(`groundcheck: internal error: ${(e as Error).stack ?? e}\n`);
    return EXIT.error;
  }
}

function cliLogger(io: CliIo): Logger {
  return {
    error: (m) => io.stderr.write(`groundcheck: ${m}\n`),
    warn: (m) => io.stderr.write(`groundcheck: warning: ${m}\n`),
    info: () => {},
    debug: () => {},
  };
}

function cacheDirOf(o: CliOptions, io: CliIo): string | undefined {
  return o.noCache ? undefined : (o.cacheDir ?? defaultCacheDir(io.env));
}

/** The core as both commands use it: the CLI's logger, environment, trust, deadline and cache. */
function cliCore(o: CliOptions, io: CliIo, extractor?: Extractor): { core: Core; settings: GroundcheckSettings } {
  const logger = cliLogger(io);
  const env = o.registry ? { ...io.env, npm_config_registry: o.registry } : io.env;
  // The checked project's own configuration supplies credentials only when the user says so.
  const trusted = o.trustProjectConfig || io.env.GROUNDCHECK_TRUST_PROJECT === '1';
  const deadline = AbortSignal.timeout(o.deadlineSeconds * 1000);
  // Every request in flight listens for the deadline: many at once is expected, not a leak.
  setMaxListeners(0, deadline);
  const core = createCore({ logger, env, trusted, deadline, extractor, projectFs: snapshotFileSystem(nodeFileSystem), concurrency: o.jobs, cacheDir: cacheDirOf(o, io) });
  return { core, settings: normalizeSettings({ offline: o.offline, python: { indexUrl: o.indexUrl } }) };
}

async function sbom(o: CliOptions, io: CliIo): Promise<number> {
  const root = path.resolve(io.cwd, o.paths[0] ?? '.');
  if (o.paths.length > 1) throw new CliError('sbom takes one project folder');
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new CliError(`not a folder: ${root}`);
  const projectConfig = readProjectConfig(nodeFileSystem, root);
  if (projectConfig && projectConfig.errors.length > 0) throw new CliError(`invalid configuration:\n  ${projectConfig.errors.join('\n  ')}`);
  const { core, settings } = cliCore(o, io);
  // (loaded here: `check`, the command CI runs, does not pay for the CycloneDX library's 0.1 s)
  const { inventory } = require('../core/inventory/inventory') as { inventory: typeof Inventory };
  const { buildSbom } = require('./sbom') as { buildSbom: typeof BuildSbom };
  const items = await inventory(core.checker, nodeFileSystem, root, settings, neverCancelled);
  core.flush();
  let subject: { name?: unknown; version?: unknown } = {};
  try {
    subject = JSON.parse(nodeFileSystem.readFile(path.join(root, 'package.json')) ?? '{}') as typeof subject;
  } catch {
    // an unreadable package.json: the folder's name stands for the project
  }
  const body = buildSbom({ name: typeof subject.name === 'string' ? subject.name : path.basename(root), version: typeof subject.version === 'string' ? subject.version : undefined, toolVersion: toolVersion() }, items, new Date());
  if (o.output) writeAtomically(path.resolve(io.cwd, o.output), body);
  else io.stdout.write(body);
  const tally = new Map<string, number>();
  for (const i of items) tally.set(i.verdict, (tally.get(i.verdict) ?? 0) + 1);
  io.stderr.write(`groundcheck: ${items.length} components (${[...tally].map(([v, n]) => `${n} ${v}`).join(', ') || 'none'})\n`);
  return EXIT.clean;
}

async function check(o: CliOptions, io: CliIo, prestarted?: ExtractPool): Promise<number> {
  const started = Date.now();
  const targets = o.paths.map((p) => path.resolve(io.cwd, p));
  for (const t of targets) if (!fs.existsSync(t)) throw new CliError(`no such file or directory: ${t}`);
  const baseDir = gitRoot(fs.statSync(targets[0]).isDirectory() ? targets[0] : path.dirname(targets[0])) ?? io.cwd;

  const projectConfig = readProjectConfig(nodeFileSystem, fs.statSync(targets[0]).isDirectory() ? targets[0] : path.dirname(targets[0]));
  if (projectConfig && projectConfig.errors.length > 0) throw new CliError(`invalid configuration:\n  ${projectConfig.errors.join('\n  ')}`);
  const failOn: FailOn = o.failOn ?? projectConfig?.failOn ?? 'error';

  let files = [...new Set(targets.flatMap((t) => collectFiles(t)))].sort();
  let changed: ChangedLines | undefined;
  if (o.changed) {
    const root = gitRoot(baseDir);
    if (!root) throw new CliError('--changed needs a git repository');
    try {
      changed = changedLines(root, o.changed);
    } catch (e) {
      throw new CliError(`--changed ${o.changed}: ${((e as { stderr?: string }).stderr || (e as Error).message).trim() || 'not a commit'}`);
    }
    files = files.filter((f) => changed!.has(f));
  }

  // JavaScript parsed in an earlier run (the same text) is answered from the cache; many files left
  // to parse are parsed on the other cores while this thread resolves and looks up.
  const cacheDir = cacheDirOf(o, io);
  const extractions = cacheDir ? ExtractionCache.under(cacheDir, nodeFileSystem, cliLogger(io)) : undefined;
  const scripts = files.filter((f) => isJavaScriptDocument({ path: f }));
  const toParse = new Set(extractions ? scripts.filter((f) => !keptExtraction(extractions, f)) : scripts);
  const cores = os.availableParallelism();
  const wanted = toParse.size >= POOL_MIN_FILES && cores > 1;
  if (!wanted) await prestarted?.close();
  const pool = wanted ? (prestarted ?? new ExtractPool(parserWorkerCount())) : undefined;
  const extractor = extractions ? new CachingExtractor(extractions, pool) : pool;
  try {
    return await checkFiles(o, io, files, changed, baseDir, failOn, started, cliCore(o, io, extractor), pool && { pool, files: toParse });
  } finally {
    extractions?.flush();
    await pool?.close();
  }
}

/** Whether a file's text was parsed in an earlier run (an unreadable file is not: the checker says why). */
function keptExtraction(extractions: ExtractionCache, file: string): boolean {
  const read = readSourceFile(file);
  return 'text' in read && extractions.has({ path: file, text: read.text });
}

/** Below this many JavaScript files, starting a worker (loading TypeScript again) costs more than it saves. */
const POOL_MIN_FILES = 200;


async function checkFiles(o: CliOptions, io: CliIo, files: string[], changed: ChangedLines | undefined, baseDir: string, failOn: FailOn, started: number, { core, settings }: { core: Core; settings: GroundcheckSettings }, ahead: { pool: ExtractPool; files: Set<string> } | undefined): Promise<number> {
  // `exclude` in groundcheck.json: not read at all, only counted.
  const kept = files.filter((f) => !core.checker.projects.isExcluded(f));
  const excluded = files.length - kept.length;
  files = kept;
  const report: ScanReport = { baseDir, files: [], checked: 0, skipped: [], excluded, durationMs: 0, toolVersion: toolVersion(), unverifiedReasons: {} };
  const rel = (f: string) => path.relative(baseDir, f).split(path.sep).join('/');
  const progress = new Progress(io.stderr, files.length);
  // Two lanes when JavaScript is parsed on other threads: this thread checks manifests, Markdown,
  // Python and JavaScript parsed before while the workers parse, instead of both waiting on whichever
  // kind comes first in the sorted list (on astro the worker sat idle through the first second of READMEs).
  const parsedElsewhere = (f: string) => !!ahead?.files.has(f);
  ahead?.pool.readAhead(files.filter(parsedElsewhere));
  const lanes = { parsed: new Semaphore(o.jobs), here: new Semaphore(o.jobs) };
  await Promise.all(files.map((file) => (parsedElsewhere(file) ? lanes.parsed : lanes.here).run(() => checkOne(file))));
  async function checkOne(file: string): Promise<void> {
    // One file's trouble (unreadable, undecodable, a parser crash) is that file's finding alone.
    const read = readSourceFile(file);
    let findings: Finding[];
    if ('skipped' in read) {
      report.skipped.push({ rel: rel(file), reason: read.skipped });
      return progress.tick();
    } else if ('failed' in read) {
      findings = [checkFailedFinding(read.failed, core.checker.projects.severityFor(file, settings, 'check-failed'))];
      report.failed = (report.failed ?? 0) + 1;
    } else {
      const result = await core.checker.checkDocument({ path: file, text: read.text }, settings, neverCancelled);
      if (result.skipped) {
        report.skipped.push({ rel: rel(file), reason: result.skipped });
        return progress.tick();
      }
      if (result.failed) report.failed = (report.failed ?? 0) + 1;
      report.checked++;
      findings = result.findings.filter((f: Finding) => !changed || isChanged(changed, file, f.range.start.line + 1));
    }
    findings = findings.filter((f) => f.severity !== 'off');
    for (const f of findings) {
      if (f.code === 'unverified-package' || f.code === 'check-failed') {
        const why = unverifiedCause(f);
        report.unverifiedReasons[why] = (report.unverifiedReasons[why] ?? 0) + 1;
      }
    }
    if (findings.length > 0) report.files.push({ file, rel: rel(file), findings } satisfies FileReport);
    progress.tick();
  }
  progress.done();
  core.flush();
  // A groundcheck.json below the first target was read during the run: an invalid one is exit 2 as well.
  const broken = core.checker.projects.projectConfigsRead().flatMap((c) => c.errors);
  if (broken.length > 0) throw new CliError(`invalid configuration:\n  ${[...new Set(broken)].join('\n  ')}`);
  report.files.sort((a, b) => (a.rel < b.rel ? -1 : 1));
  report.skipped.sort((a, b) => (a.rel < b.rel ? -1 : 1));
  report.durationMs = Date.now() - started;

  const color = o.color ?? (!!io.stdout.isTTY && !o.output && !io.env.NO_COLOR && io.env.TERM !== 'dumb');
  const body = o.format === 'json' ? formatJson(report) : o.format === 'sarif' ? formatSarif(report) : formatText(report, color || !!io.env.FORCE_COLOR);
  if (o.output) writeAtomically(path.resolve(io.cwd, o.output), body);
  else io.stdout.write(body);

  if (o.failOnUnverified && counts(report).unverified > 0) return EXIT.findings;
  if (failOn === 'never') return EXIT.clean;
  const threshold = RANK[failOn];
  const failing = report.files.some((f) => f.findings.some((x) => RANK[x.severity] >= threshold));
  return failing ? EXIT.findings : EXIT.clean;
}

/** The cause of an unverified reference, grouped for the summary ("registry down", "deadline", ...). */
function unverifiedCause(f: Finding): string {
  if (f.code === 'check-failed') return 'file could not be checked';
  const reason = f.data.unverifiedReason ?? f.message;
  if (/deadline/.test(reason)) return 'run deadline passed';
  if (/credentials/.test(reason)) return 'credentials withheld (untrusted project .npmrc)';
  if (/offline/.test(reason)) return 'offline';
  if (/timed out|no data for|ETIMEDOUT/i.test(reason)) return 'registry timeout';
  if (/not asking again|HTTP 5\d\d|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|malformed|ended early|HTTP 429/.test(reason)) return 'registry unavailable';
  if (/HTTP 40[13]/.test(reason)) return 'registry refused (no credentials)';
  if (/manifest|package\.json|pyproject/.test(reason)) return 'manifest unreadable';
  return reason;
}

/** Written beside the target and renamed over it: a reader never sees half a report. */
function writeAtomically(file: string, body: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, body);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new CliError(`cannot write ${file}: ${(e as Error).message}`);
  }
}

/** A progress line on a terminal's stderr, only once a scan has taken more than a second. */
class Progress {
  private done_ = 0;
  private readonly started = Date.now();
  private shown = false;
  constructor(private readonly stream: CliIo['stderr'], private readonly total: number) {}
  tick(): void {
    this.done_++;
    if (!this.stream.isTTY || Date.now() - this.started < 1000) return;
    this.shown = true;
    this.stream.write(`\rgroundcheck: ${this.done_}/${this.total} files`);
  }
  done(): void {
    if (this.shown) this.stream.write('\r\u001b[K');
  }
}
