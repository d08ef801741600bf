/**
 * A Python package index served from a folder (test/fixtures/pypi-index): `<name>/index.json` for
 * PEP 691 clients, `<name>/index.html` for PEP 503 ones, 404 for anything else. `htmlOnly` plays an
 * index that predates PEP 691, to exercise the fallback.
 */
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { FIXTURES } from './workspace';

export class SimpleIndex {
  readonly requests: { path: string; accept: string }[] = [];
  private constructor(private readonly server: http.Server, readonly url: string) {}

  static async start(options: { htmlOnly?: boolean; folder?: string } = {}): Promise<SimpleIndex> {
    const folder = options.folder ?? path.join(FIXTURES, 'pypi-index', 'simple');
    let self: SimpleIndex | undefined;
    const server = http.createServer((req, res) => {
      const accept = String(req.headers.accept ?? '');
      self?.requests.push({ path: req.url ?? '', accept });
      const m = /^\/simple\/([a-z0-9-]+)\/$/.exec(req.url ?? '');
      const dir = m && path.join(folder, m[1]);
      const wantsJson = !options.htmlOnly && accept.includes('application/vnd.pypi.simple.v1+json');
      const file = dir && (wantsJson ? path.join(dir, 'index.json') : path.join(dir, 'index.html'));
      if (!file || !fs.existsSync(file)) {
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end('<html><body>Not Found</body></html>');
        return;
      }
      res.writeHead(200, { 'content-type': wantsJson ? 'application/vnd.pypi.simple.v1+json' : 'text/html; charset=utf-8' });
      res.end(fs.readFileSync(file));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    self = new SimpleIndex(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/simple/`);
    return self;
  }

  async stop(): Promise<void> {
    await new Promise((r) => this.server.close(r));
  }
}
