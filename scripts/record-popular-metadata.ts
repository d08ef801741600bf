/**
 * Records the metadata of the 1,000 most downloaded npm packages of ../shared/data/npm-popular.tsv,
 * as the risk signals read it (`PackageMetadata`, through NpmRegistryClient.metadata: the same
 * streaming reduction the product uses), into test/fixtures/popular-metadata/top-1000.json.gz with
 * the day it was recorded and the registry asked. The test "none of the top 1,000 is suspicious"
 * replays it with `now` set to that day. Run: npm run record-popular-metadata (network; not in CI).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { NpmRegistryClient } from '../server/src/core/registry/npmRegistry';
import { loadNpmConfig } from '../server/src/core/registry/npmrc';
import { nodeFileSystem, systemClock } from '../server/src/core/io';
import { Semaphore } from '../server/src/core/registry/lookup';
import type { PackageMetadata } from '../server/src/core/model';

const root = path.resolve(__dirname, '..', '..');
const source = path.join(root, '..', 'shared', 'data', 'npm-popular.tsv');
const target = path.join(root, 'test', 'fixtures', 'popular-metadata', 'top-1000.json.gz');

async function main(): Promise<void> {
  const rows = fs.readFileSync(source, 'utf8').split('\n').slice(1).map((l) => l.split('\t')).filter((r) => r.length >= 2 && r[0]);
  const top = rows.sort((a, b) => Number(b[1]) - Number(a[1])).slice(0, 1000).map((r) => r[0]);
  const config = loadNpmConfig({ fs: nodeFileSystem, env: process.env, trusted: true, privateScopes: [], homeDir: process.env.HOME });
  const client = new NpmRegistryClient({ timeoutMs: 30_000, clock: systemClock });
  const limit = new Semaphore(8);
  const recorded: PackageMetadata[] = [];
  const failed: string[] = [];
  let done = 0;
  await Promise.all(top.map((name) => limit.run(async () => {
    try {
      recorded.push(await client.metadata(name, config));
    } catch (e) {
      failed.push(`${name}: ${(e as Error).message}`);
    }
    if (++done % 100 === 0) process.stderr.write(`${done}/${top.length}\n`);
  })));
  recorded.sort((a, b) => top.indexOf(a.name) - top.indexOf(b.name));
  const out = { recordedAt: new Date().toISOString(), registry: config.options.registry, source: 'the 1,000 most downloaded names of ../shared/data/npm-popular.tsv', packages: recorded };
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, zlib.gzipSync(JSON.stringify(out)));
  console.log(`recorded ${recorded.length} of ${top.length} into ${path.relative(root, target)}${failed.length ? `; failed: ${failed.join('; ')}` : ''}`);
}

void main();
