/**
 * The snapshot of PyPI's project names (../shared/data/pypi-names.tsv, 2026-11) served as a PEP 691
 * Simple API on loopback: 200 with a project page for a known name, 404 otherwise. PyPI itself may
 * be out of reach; with this every lookup still goes through the product's HTTP client.
 */
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { normalizePythonName } from '../../server/src/core/extract/requirements';

export const SHARED = path.resolve(__dirname, '..', '..', '..', '..', 'shared');

export async function snapshotIndex(file = path.join(SHARED, 'data', 'pypi-names.tsv')): Promise<{ url: string; close(): Promise<void> }> {
  const latest = new Map<string, string>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n').slice(1)) {
    const [name, version] = line.split('\t');
    if (name) latest.set(normalizePythonName(name), version ?? '');
  }
  const server = http.createServer((req, res) => {
    const name = /^\/simple\/([^/]+)\/$/.exec(req.url ?? '')?.[1];
    const version = name !== undefined ? latest.get(decodeURIComponent(name)) : undefined;
    if (version === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/vnd.pypi.simple.v1+json' });
    res.end(JSON.stringify({ meta: { 'api-version': '1.1' }, name, files: [], versions: version ? [version] : [] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/simple/`, close: () => new Promise((r) => server.close(() => r())) };
}
