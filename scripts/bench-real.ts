/**
 * `npm run bench:real -- <folder>... [--offline]`: Groundcheck on checked-out real repositories.
 * Per repository: the files checked, a cold run (empty cache) and a warm run (the same cache), each
 * with its wall time and the process's peak RSS; a warm run without the parse results kept from the
 * run before (every file parsed again, as after a checkout that touched them all); and the time TypeScript alone needs to parse the
 * same JavaScript/TypeScript files (`ts.createSourceFile` over the CLI's own file list, in this
 * run): the floor a parser-based checker can approach. Prints a table. The repositories are never
 * part of this one; the cold run asks the registry of your npm configuration. With `--editor`, the
 * language server instead (`editorRun`): first verdicts on a cold repository, RSS with 200 files open.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import ts = require('typescript');
import { collectFiles } from '../server/src/cli/files';
import { isJavaScriptDocument } from '../server/src/core/extract';
import { LspClient } from '../test/support/lspClient';
import { rssMb } from './support/memory';

const CLI = path.resolve(__dirname, '..', '..', 'bin', 'groundcheck.js');

interface Run {
  seconds: number;
  peakMb: number;
  files: number;
  code: number;
}

/** The CLI in a child process whose peak RSS it reports itself on exit (process.resourceUsage). */
function runCli(folder: string, cacheHome: string, extra: string[]): Promise<Run> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-bench-real-'));
  const rssFile = path.join(dir, 'rss');
  const probe = path.join(dir, 'probe.js');
  // (bin/groundcheck.js runs itself again with its heap flags, and the probe rides along in
  // execArgv: each process keeps the larger of its own peak and what is already written)
  fs.writeFileSync(probe, `process.on('exit', () => { const fs = require('fs'); const f = ${JSON.stringify(rssFile)}; const prev = fs.existsSync(f) ? Number(fs.readFileSync(f, 'utf8')) : 0; fs.writeFileSync(f, String(Math.max(prev, process.resourceUsage().maxRSS))); });\n`);
  const report = path.join(dir, 'report.json');
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', probe, CLI, 'check', '.', '--format', 'json', '-o', report, '--fail-on', 'never', ...extra], {
      cwd: folder,
      env: { ...process.env, XDG_CACHE_HOME: cacheHome },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const files = fs.existsSync(report) ? (JSON.parse(fs.readFileSync(report, 'utf8')) as { summary: { filesChecked: number } }).summary.filesChecked : 0;
      const peakMb = fs.existsSync(rssFile) ? Number(fs.readFileSync(rssFile, 'utf8')) / 1024 : NaN;
      resolve({ seconds, peakMb, files, code: code ?? -1 });
    });
  });
}

/** TypeScript's parser alone over the same JS/TS files, read from disk in the same way. */
function parseOnlySeconds(folder: string): { seconds: number; files: number } {
  const files = collectFiles(folder).filter((f) => isJavaScriptDocument({ path: f }));
  const started = process.hrtime.bigint();
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    if (text.length > 10 * 1024 * 1024) continue;
    ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  }
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, files: files.length };
}

const MADE_UP = 'fast-json-parser-v2-groundcheck-bench';

/**
 * The editor on a cold repository (`--editor`): the language server with an empty cache opens one
 * JS/TS file with a made-up import added at the top (time until that import's finding is
 * published, which comes before the file's API checks finish), then 199 more of the repository's
 * files; its RSS once all 200 have verdicts.
 */
async function editorRun(folder: string): Promise<string> {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-bench-editor-cache-'));
  const files = collectFiles(folder).filter((f) => isJavaScriptDocument({ path: f })).slice(0, 200);
  const client = await LspClient.start({ rootDir: folder, env: { ...process.env, XDG_CACHE_HOME: cache }, settings: {} });
  try {
    const pid = client.child.pid!;
    // What an assistant does: a made-up import lands at the top of a real file. The time that
    // matters is until its squiggle shows, whatever the API checks of the file's real imports still do.
    const t0 = performance.now();
    const first = client.open(files[0], `import madeUp from '${MADE_UP}';\n${fs.readFileSync(files[0], 'utf8')}`);
    const published = await client.waitFor((p) => p.uri === first && p.diagnostics.some((d) => d.message.includes(`'${MADE_UP}'`)), 60_000);
    const firstMs = published.at - t0;
    const uris = files.slice(1).map((f) => client.open(f, fs.readFileSync(f, 'utf8')));
    for (const u of uris) await client.waitForVersion(u, 1, 120_000);
    const after = rssMb(pid);
    return `| ${path.basename(folder)} | ${firstMs.toFixed(0)} ms (${path.relative(folder, files[0])}) | ${after.rss.toFixed(0)} MB (peak ${after.peak.toFixed(0)} MB) |`;
  } finally {
    await client.stop();
    fs.rmSync(cache, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const offline = args.includes('--offline');
  const folders = args.filter((a) => !a.startsWith('--'));
  if (folders.length === 0) {
    console.error('usage: npm run bench:real -- <folder>... [--offline] [--editor]');
    return 2;
  }
  if (args.includes('--editor')) {
    const editorRows: string[] = [];
    for (const folder of folders.map((f) => path.resolve(f))) editorRows.push(await editorRun(folder));
    console.log(`The language server on real repositories, cold cache (${os.cpus().length} cores):\n`);
    console.log('| repository | a made-up import in the first file: time to its finding | 200 files open: server RSS |');
    console.log('|---|---:|---:|');
    for (const r of editorRows) console.log(r);
    return 0;
  }
  const rows: string[] = [];
  for (const folder of folders.map((f) => path.resolve(f))) {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-bench-real-cache-'));
    const cold = await runCli(folder, cache, offline ? ['--offline'] : []);
    const warm = await runCli(folder, cache, offline ? ['--offline'] : []);
    for (const f of fs.readdirSync(path.join(cache, 'groundcheck', 'derived')).filter((n) => n.startsWith('extracted-'))) {
      fs.rmSync(path.join(cache, 'groundcheck', 'derived', f));
    }
    const reparsed = await runCli(folder, cache, offline ? ['--offline'] : []);
    const parse = parseOnlySeconds(folder);
    const ratio = (s: number) => `${(s / parse.seconds).toFixed(1)}×`;
    rows.push(
      `| ${path.basename(folder)} | ${cold.files} | ${cold.seconds.toFixed(1)} s | ${cold.peakMb.toFixed(0)} MB | ${warm.seconds.toFixed(1)} s | ${warm.peakMb.toFixed(0)} MB | ${reparsed.seconds.toFixed(1)} s | ${parse.seconds.toFixed(1)} s (${parse.files} JS/TS files) | ${ratio(warm.seconds)} | ${ratio(reparsed.seconds)} |`,
    );
    process.stderr.write(`${path.basename(folder)} done\n`);
  }
  console.log(`Real repositories on ${os.cpus().length} cores${offline ? ' (--offline)' : ''}:\n`);
  console.log('| repository | files checked | cold | cold peak RSS | warm | warm peak RSS | warm, every file parsed again | TypeScript parse only | warm ÷ parse | parsed again ÷ parse |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(r);
  return 0;
}

main().then((code) => process.exit(code), (e) => {
  console.error(`bench:real failed: ${(e as Error).stack ?? e}`);
  process.exit(2);
});
