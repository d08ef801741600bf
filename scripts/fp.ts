/**
 * `npm run fp -- <folder>... [--index-url URL] [--offline]`: runs `groundcheck check` (the built
 * CLI, as CI would) over checked-out repositories and tallies error-level findings by code and by
 * the repository's top-level folder, with every finding listed below the table for classification.
 * Python lookups go to --index-url, else to the 2026-11 snapshot of PyPI's names on loopback.
 * The repositories are never part of this one.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { snapshotIndex } from './support/pypiSnapshot';

interface JsonFinding { file: string; line: number; code: string; severity: string; message: string }

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  let indexUrl = flag('--index-url');
  const offline = args.includes('--offline') ? (args.splice(args.indexOf('--offline'), 1), true) : false;
  const folders = args;
  if (folders.length === 0) {
    console.error('usage: npm run fp -- <folder>... [--index-url URL] [--offline]');
    return 2;
  }
  const snapshot = indexUrl ? undefined : await snapshotIndex();
  indexUrl ??= snapshot!.url;
  const cli = path.resolve(__dirname, '..', '..', 'bin', 'groundcheck.js');
  console.log('| repository | files | errors | warnings | errors by code | errors by top-level folder | wall |');
  console.log('|---|---:|---:|---:|---|---|---:|');
  const details: string[] = [];
  for (const folder of folders) {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gc-fp-')), 'report.json');
    const started = Date.now();
    const run = await runCli(cli, ['check', '.', '--format', 'json', '-o', out, '--index-url', indexUrl, ...(offline ? ['--offline'] : [])], path.resolve(folder));
    const wall = ((Date.now() - started) / 1000).toFixed(1);
    if (!fs.existsSync(out)) {
      console.log(`| ${path.basename(folder)} | - | - | - | CLI failed (exit ${run.code}): ${run.stderr.split('\n')[0]} | | ${wall} s |`);
      continue;
    }
    const report = JSON.parse(fs.readFileSync(out, 'utf8')) as { summary: { filesChecked: number; errors: number; warnings: number }; findings: JsonFinding[] };
    const errors = report.findings.filter((f) => f.severity === 'error');
    const tally = (key: (f: JsonFinding) => string) => {
      const m = new Map<string, number>();
      for (const f of errors) m.set(key(f), (m.get(key(f)) ?? 0) + 1);
      return [...m].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ') || '-';
    };
    console.log(`| ${path.basename(folder)} | ${report.summary.filesChecked} | ${report.summary.errors} | ${report.summary.warnings} | ${tally((f) => f.code)} | ${tally((f) => f.file.split('/')[0])} | ${wall} s |`);
    for (const f of report.findings) details.push(`${path.basename(folder)}  ${f.severity}  ${f.file}:${f.line}  [${f.code}]  ${f.message}`);
  }
  if (details.length > 0) console.log(`\n${details.join('\n')}`);
  await snapshot?.close();
  return 0;
}

/** The CLI in a child process, asynchronously: the loopback index lives on this process's event loop. */
function runCli(cli: string, args: string[], cwd: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

main().then((code) => process.exit(code), (e) => {
  console.error(`fp failed: ${(e as Error).stack ?? e}`);
  process.exit(2);
});
