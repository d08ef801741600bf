/**
 * Builds the compact popularity index shipped with the extension from the registry snapshot in
 * ../shared/data/npm-popular.tsv (name, monthly downloads). Output: server/data/npm-popular.idx.gz,
 * one line per package sorted by name (JavaScript string order, so the loader can binary-search the
 * text as is): `name<TAB>bucket` where bucket = round(10*log10(downloads)).
 * The same for PyPI from pypi-popular.tsv (name, rank) into server/data/pypi-popular.idx.gz.
 * Run: npm run index (only when the snapshot changes; the output is committed).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

const root = path.resolve(__dirname, '..', '..');
const ecosystem = process.argv[2] === 'pypi' ? 'pypi' : 'npm';
const source = process.argv[3] ?? path.join(root, '..', 'shared', 'data', `${ecosystem}-popular.tsv`);
const target = path.join(root, 'server', 'data', `${ecosystem}-popular.idx.gz`);

/**
 * npm's snapshot gives monthly downloads; PyPI's gives the rank among the 15,000 most downloaded,
 * mapped onto the same scale (rank 1 ~ 10^8 downloads, rank 15,000 ~ 10^4) so that one ranking
 * formula serves both.
 */
const bucketOf = (value: number) => (ecosystem === 'npm' ? Math.round(10 * Math.log10(value)) : Math.round(80 - 10 * Math.log10(value)));
/** PEP 503 normalisation for PyPI names; npm names are kept as published. */
const normalize = (name: string) => (ecosystem === 'pypi' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name);

const rows = fs
  .readFileSync(source, 'utf8')
  .split('\n')
  .slice(1)
  .map((line) => line.split('\t'))
  .filter((cols) => cols.length >= 2 && cols[0] && Number(cols[1]) > 0)
  .map(([name, value]) => ({ name: normalize(name.trim()), bucket: bucketOf(Number(value)) }))
  .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  .filter((r, i, all) => i === 0 || r.name !== all[i - 1].name);

const body = rows.map((r) => `${r.name}\t${r.bucket}`).join('\n') + '\n';
const snapshotDate = process.env.SNAPSHOT_DATE ?? '2026-11';
const header = `# groundcheck ${ecosystem} popularity index; snapshot ${snapshotDate}; ${rows.length} names\n`;
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, zlib.gzipSync(header + body, { level: 9 }));
console.log(`wrote ${path.relative(root, target)}: ${rows.length} names, ${fs.statSync(target).size} bytes`);
