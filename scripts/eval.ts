/**
 * `npm run eval [file]`: runs every name in ../shared/eval/npm-hallucinated-strict.txt through the
 * real lookup path (a document importing it -> extraction -> local resolution -> registry through
 * pacote with your .npmrc) and reports how many are flagged. Talks to the live registry; not part
 * of `npm test`. A name that is not flagged because it has been published since the list was made
 * is listed with its latest version: that is not a miss of ours.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createCore } from '../server/src/core';
import { neverCancelled, stderrLogger } from '../server/src/core/io';
import { normalizeSettings } from '../server/src/core/config/settings';
import type { Finding } from '../server/src/core/model';

async function main(): Promise<void> {
  const listFile = path.resolve(process.argv[2] ?? path.join(__dirname, '..', '..', '..', 'shared', 'eval', 'npm-hallucinated-strict.txt'));
  if (!fs.existsSync(listFile)) {
    console.error(`eval list not found: ${listFile} (it lives in ../shared/eval beside the repository)`);
    process.exit(2);
  }
  const names = fs.readFileSync(listFile, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-eval-'));
  const core = createCore({ logger: stderrLogger(false), cacheDir: path.join(dir, 'cache'), concurrency: 12, timeoutMs: 15_000 });
  const settings = normalizeSettings({});
  const started = Date.now();

  const outcome = new Map<string, string>();
  const latest = new Map<string, string>();
  const batch = 50;
  for (let i = 0; i < names.length; i += batch) {
    const chunk = names.slice(i, i + batch);
    // One import per line, exactly as an assistant would write them.
    const text = chunk.map((n, j) => `import m${j} from ${JSON.stringify(n)};`).join('\n');
    const file = path.join(dir, `batch-${i}.ts`);
    const result = await core.checker.check({ path: file, text }, settings, neverCancelled);
    const byLine = new Map<number, Finding>(result.findings.map((f) => [f.range.start.line, f]));
    chunk.forEach((n, j) => {
      const f = byLine.get(j);
      outcome.set(n, f ? f.code : 'not-flagged');
      if (!f) {
        const info = core.lookup.peek(n, core.checker.npmConfigFor(dir));
        if (info?.latest) latest.set(n, info.latest);
      }
    });
    process.stderr.write(`\r${Math.min(i + batch, names.length)}/${names.length}`);
  }
  process.stderr.write('\n');
  core.lookup.flush();

  const count = (code: string) => [...outcome.values()].filter((c) => c === code).length;
  const notFlagged = names.filter((n) => outcome.get(n) === 'not-flagged');
  console.log(`\nGroundcheck eval: ${path.basename(listFile)} (${names.length} names), ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`| outcome | names | share |\n|---|---:|---:|`);
  for (const code of ['missing-package', 'unverified-package', 'not-flagged']) {
    console.log(`| ${code} | ${count(code)} | ${((100 * count(code)) / names.length).toFixed(1)}% |`);
  }
  const published = notFlagged.filter((n) => latest.has(n));
  const other = notFlagged.filter((n) => !latest.has(n));
  console.log(`\nNot flagged because the name exists on the registry now (registered since collection): ${published.length}`);
  for (const n of published) console.log(`  ${n}@${latest.get(n)}`);
  console.log(`\nNot flagged for another reason (not an npm name, builtin, local): ${other.length}`);
  for (const n of other) console.log(`  ${n}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
