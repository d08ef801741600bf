/**
 * `groundcheck check`: the same core as the language server, for CI gates. This module only
 * collects files, runs the checker and translates findings into the chosen format.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createCore, defaultCacheDir } from '../core';
import { normalizeSettings, type GroundcheckSettings } from '../core/config/settings';
import { readProjectConfig, type FailOn } from '../core/config/projectConfig';
import { MAX_DOCUMENT_BYTES } from '../core/extract';
import { neverCancelled, nodeFileSystem, type Logger } from '../core/io';
import type { Finding, Severity } from '../core/model';
import { Semaphore } from '../core/registry/lookup';
import { toolVersion } from '../core/version';
import { parseArgs, UsageError, USAGE, type CliOptions } from './args';
import { changedLines, isChanged, type ChangedLines } from './changed';
import { collectFiles, gitRoot } from './files';
import { formatJson } from './format/json';
import { formatSarif } from './format/sarif';
import { formatText } from './format/text';
import type { FileReport, ScanReport } from './report';

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

export async function runCli(argv: string[], io: CliIo): Promise<number> {
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
    return await check(options, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr.write(`groundcheck: ${e.message}\n`);
      return EXIT.error;
    }
    io.stderr.write(`groundcheck: internal error: ${(e as Error).stack ?? e}\n`);
    return EXIT.error;
  }
}

async function check(o: CliOptions, io: CliIo): Promise<number> {
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

  const logger: Logger = {
    error: (m) => io.stderr.write(`groundcheck: ${m}\n`),
    warn: (m) => io.stderr.write(`groundcheck: warning: ${m}\n`),
    info: () => {},
    debug: () => {},
  };
  const env = o.registry ? { ...io.env, npm_config_registry: o.registry } : io.env;
  const core = createCore({ logger, env, concurrency: o.jobs, cacheDir: o.noCache ? undefined : (o.cacheDir ?? defaultCacheDir(io.env)) });
  const settings: GroundcheckSettings = normalizeSettings({ offline: o.offline, python: { indexUrl: o.indexUrl } });

  const report: ScanReport = { baseDir, files: [], checked: 0, skipped: [], durationMs: 0, toolVersion: toolVersion() };
  const rel = (f: string) => path.relative(baseDir, f).split(path.sep).join('/');
  const progress = new Progress(io.stderr, files.length);
  const pool = new Semaphore(o.jobs);
  await Promise.all(
    files.map((file) =>
      pool.run(async () => {
        const size = fs.statSync(file).size;
        if (size > MAX_DOCUMENT_BYTES) {
          report.skipped.push({ rel: rel(file), reason: `skipped: ${Math.round(size / 1024)} KiB is over the ${MAX_DOCUMENT_BYTES / 1024} KiB limit` });
          return progress.tick();
        }
        let text: string;
        try {
          text = fs.readFileSync(file, 'utf8');
        } catch (e) {
          throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
        }
        const result = await core.checker.check({ path: file, text }, settings, neverCancelled);
        if (result.skipped) report.skipped.push({ rel: rel(file), reason: result.skipped });
        else report.checked++;
        const findings = result.findings.filter((f: Finding) => !changed || isChanged(changed, file, f.range.start.line + 1));
        if (findings.length > 0) report.files.push({ file, rel: rel(file), findings } satisfies FileReport);
        progress.tick();
      }),
    ),
  );
  progress.done();
  core.lookup.flush();
  core.pypiLookup.flush();
  report.files.sort((a, b) => (a.rel < b.rel ? -1 : 1));
  report.skipped.sort((a, b) => (a.rel < b.rel ? -1 : 1));
  report.durationMs = Date.now() - started;

  const color = o.color ?? (!!io.stdout.isTTY && !o.output && !io.env.NO_COLOR && io.env.TERM !== 'dumb');
  const body = o.format === 'json' ? formatJson(report) : o.format === 'sarif' ? formatSarif(report) : formatText(report, color || !!io.env.FORCE_COLOR);
  if (o.output) writeAtomically(path.resolve(io.cwd, o.output), body);
  else io.stdout.write(body);

  if (failOn === 'never') return EXIT.clean;
  const threshold = RANK[failOn];
  const failing = report.files.some((f) => f.findings.some((x) => RANK[x.severity] >= threshold));
  return failing ? EXIT.findings : EXIT.clean;
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
