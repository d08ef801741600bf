/** A loopback HTTP server the tests control: it stalls, fails or answers as told. */
import * as http from 'http';
import type { AddressInfo } from 'net';

export type Behaviour =
  | 'stall'
  | '500'
  | 'malformed'
  /** Promises a body longer than it sends, then closes the connection. */
  | 'truncate'
  /** Destroys the connection before answering. */
  | 'reset'
  /** Sends headers and the start of a body, then nothing more: a stall mid-document. */
  | 'stall-body'
  /** A 200 whose body arrives in chunks, one every `intervalMs`: a large document on a slow link. */
  | { trickle: () => Iterator<string>; intervalMs: number }
  | { status: number; body: string; headers?: Record<string, string> };

export interface LoggedRequest {
  path: string;
  /** The Authorization header as received, if any. */
  authorization?: string;
}

export class FaultyRegistry {
  readonly requests: string[] = [];
  /** Every request with the credentials it carried: what a hostile host would record. */
  readonly log: LoggedRequest[] = [];
  private readonly sockets = new Set<import('net').Socket>();
  private constructor(private readonly server: http.Server, readonly url: string) {}

  /** `behaviour` is asked for each request, with the decoded request path (`/name` or `/@scope/name`). */
  static async start(behaviour: (path: string) => Behaviour): Promise<FaultyRegistry> {
    let self: FaultyRegistry | undefined;
    const server = http.createServer((req, res) => {
      const requestPath = decodeURIComponent(req.url ?? '');
      self?.requests.push(requestPath);
      self?.log.push({ path: requestPath, authorization: req.headers.authorization });
      const b = behaviour(requestPath);
      if (b === 'stall') return; // never answers; the client's timeout must fire
      if (b === '500') {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":"internal"}');
      } else if (b === 'truncate') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' });
        res.write('{"name":"x","dist-tags":{"latest":"1.0');
        setImmediate(() => res.socket?.destroy());
      } else if (b === 'reset') {
        req.socket.destroy();
      } else if (b === 'stall-body') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"name":"x","dist-tags":{"latest":"1.0');
      } else if (typeof b === 'object' && 'trickle' in b) {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunks = b.trickle();
        const next = () => {
          const c = chunks.next();
          if (c.done) return void res.end();
          if (res.write(c.value)) setTimeout(next, b.intervalMs);
          else res.once('drain', () => setTimeout(next, b.intervalMs));
        };
        next();
      } else if (b === 'malformed') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"name": "x", "versions": {');
      } else {
        res.writeHead(b.status, { 'content-type': 'application/json', ...b.headers });
        res.end(b.body);
      }
    });
    server.on('connection', (s) => {
      self?.sockets.add(s);
      s.on('close', () => self?.sockets.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    self = new FaultyRegistry(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return self;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
}
