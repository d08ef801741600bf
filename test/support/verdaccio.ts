/**
 * A real npm registry on loopback for tests and benchmarks: Verdaccio with no uplinks, its own
 * storage in a temp dir, started and stopped by the caller. Packages are published over HTTP
 * with libnpmpublish, as `npm publish` would.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';

// libnpmpublish has no types; its one call is typed here.
const { publish } = require('libnpmpublish') as { publish(manifest: object, tarball: Buffer, opts: object): Promise<unknown> };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface VerdaccioOptions {
  /** Packages matching this glob need a logged-in user to be read (a private registry). */
  privatePattern?: string;
}

export class Verdaccio {
  readonly url: string;
  token = '';
  private constructor(private readonly child: ChildProcess, readonly port: number, readonly dir: string) {
    this.url = `http://127.0.0.1:${port}/`;
  }

  static async start(options: VerdaccioOptions = {}): Promise<Verdaccio> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-verdaccio-'));
    const port = await freePort();
    const packages = [
      options.privatePattern ? `  '${options.privatePattern}':\n    access: $authenticated\n    publish: $authenticated\n` : '',
      "  '**':\n    access: $all\n    publish: $authenticated\n",
    ].join('');
    fs.writeFileSync(
      path.join(dir, 'config.yaml'),
      `storage: ${path.join(dir, 'storage')}\nauth:\n  htpasswd:\n    file: ${path.join(dir, 'htpasswd')}\n    max_users: 100\nuplinks: {}\npackages:\n${packages}log: { type: stdout, format: json, level: error }\n`,
    );
    const bin = require.resolve('verdaccio/bin/verdaccio');
    const child = spawn(process.execPath, [bin, '--config', path.join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
    });
    const v = new Verdaccio(child, port, dir);
    await v.waitUntilUp();
    v.token = await v.createUser('tester', 'tester-password');
    return v;
  }

  private async waitUntilUp(): Promise<void> {
    const deadline = Date.now() + 30_000;
    let exited = false;
    this.child.once('exit', () => (exited = true));
    while (Date.now() < deadline && !exited) {
      const ok = await new Promise<boolean>((resolve) => {
        const req = http.get(`${this.url}-/ping`, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        });
        req.on('error', () => resolve(false));
        req.setTimeout(1000, () => req.destroy());
      });
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100)); // polling a start-up, not a fixed wait for a result
    }
    throw new Error(`Verdaccio did not start on port ${this.port}`);
  }

  private async createUser(name: string, password: string): Promise<string> {
    const body = JSON.stringify({ name, password });
    const res = await fetch(`${this.url}-/user/org.couchdb.user:${name}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body });
    const json = (await res.json()) as { token?: string };
    if (!json.token) throw new Error(`could not create Verdaccio user: ${JSON.stringify(json)}`);
    return json.token;
  }

  /** The .npmrc line that authenticates against this registry. */
  get authLine(): string {
    return `//127.0.0.1:${this.port}/:_authToken=${this.token}`;
  }

  /**
   * Publishes name@version; `files` (paths inside the package) replace the default empty index.js.
   * Like real packages, it names a repository unless `extra` says `repository: undefined` (the risk
   * signals count a package without one).
   */
  async publish(name: string, version: string, extra: Record<string, unknown> = {}, files?: Record<string, string>): Promise<void> {
    const manifest = { name, version, description: `test package ${name}`, main: 'index.js', repository: { type: 'git', url: `https://github.com/example/${name.replace(/^@/, '').replace('/', '-')}.git` }, ...extra };
    const content = Object.fromEntries(Object.entries(files ?? { 'index.js': 'module.exports = {};\n' }).map(([p, text]) => [`package/${p}`, text]));
    const tarball = makeTarball({ 'package/package.json': JSON.stringify(manifest, null, 2), ...content });
    await publish(manifest, tarball, { registry: this.url, [`//127.0.0.1:${this.port}/:_authToken`]: this.token, access: 'public' });
  }

  /**
   * Rewrites when versions of a stored package were published (its document's `time`), to play
   * packages of any age: Verdaccio stamps every publish with the moment it happened. `created`
   * is removed, as some registries and mirrors leave it out.
   */
  backdate(name: string, times: Record<string, string>): void {
    const file = path.join(this.dir, 'storage', name, 'package.json');
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { time?: Record<string, string> };
    const time: Record<string, string> = { ...(doc.time ?? {}), ...times };
    delete time.created;
    doc.time = time;
    fs.writeFileSync(file, JSON.stringify(doc));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A minimal gzipped ustar archive: enough for a registry to store and serve. */
export function makeTarball(files: Record<string, string>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    const header = Buffer.alloc(512);
    header.write(name, 0, 100);
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
    header.write('00000000000\0', 136);
    header.write('        ', 148);
    header.write('0', 156);
    header.write('ustar\0', 257);
    header.write('00', 263);
    let sum = 0;
    for (const b of header) sum += b;
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return zlib.gzipSync(Buffer.concat(blocks));
}
