/**
 * One packument request to an npm registry through npm-registry-fetch (pacote's HTTP layer), which
 * honours the registry, scoped registry and auth keys of .npmrc. Only metadata is fetched (the
 * abbreviated "corgi" document); no tarball is downloaded and nothing is executed.
 *
 * Some documents are huge (drizzle-orm's is ~50 MB as served): a body over a megabyte is parsed as
 * it streams and only the fields a verdict needs are kept, so memory stays flat (smaller ones, most
 * of them, are parsed whole: far faster), and the timeout is for a stalled connection (no bytes for
 * `timeoutMs`), not for a large document still arriving.
 */
import type { Readable } from 'stream';
import { LRUCache } from 'lru-cache';
import type { PackageInfo, PackageMetadata } from '../model';
import type { Clock } from '../io';
import type { NpmConfig } from './npmrc';
import { credentialsWithheld, refusedByPrivateScope, registryFor } from './npmrc';

export interface RegistryClient<C = NpmConfig> {
  fetch(name: string, config: C): Promise<PackageInfo>;
}

export interface NpmRegistryOptions {
  /** Extra npm-registry-fetch options (tests inject a failing DNS lookup through `dns.lookup`). */
  fetchOptions?: Record<string, unknown>;
  /** A connection that sends nothing for this long (ms) is given up: the answer is "unverified". */
  timeoutMs: number;
  clock: Clock;
  /** Aborted when the run's overall deadline passes (the CLI's --deadline). */
  signal?: AbortSignal;
}

export const WITHHELD = "the project's .npmrc has credentials for this registry, not used because the project is not trusted (--trust-project-config, or a trusted workspace)";

const CORGI = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*';

/** npm replaces removed malicious packages with this placeholder version. */
const SECURITY_PLACEHOLDER = /^0\.0\.\d+-security(?:\.\d+)?$/;

/** The parts of a packument a verdict needs; everything else is dropped as it streams past. */
export interface ReducedPackument {
  name?: string;
  'dist-tags'?: Record<string, string>;
  versions: string[];
  /** Per version: where its tarball is and its integrity, so a tarball is fetched without the document again. */
  dist: Map<string, { tarball: string; integrity?: string; shasum?: string }>;
}

/**
 * Reduced packuments are kept this long and up to about this many bytes (see packumentSize): the
 * existence verdict, the lockfile's version checks and the export tables' version resolution each
 * ask for the same document (a cold run over astro fetched 2,345 documents for 1,824 names,
 * react-dom's five times). Most second questions come soon after the first: on astro, 8 MB did as
 * well as 24 MB (48 s instead of 61-67 s with none) for 20 MB less at the peak.
 */
const PACKUMENT_TTL_MS = 5 * 60 * 1000;
const PACKUMENTS_MAX_BYTES = 8 * 1024 * 1024;

/** About what a reduced packument holds in memory: its version numbers and tarball locations. */
function packumentSize(p: ReducedPackument): number {
  let bytes = 1024 + p.versions.length * 48;
  for (const d of p.dist.values()) bytes += 64 + d.tarball.length + (d.integrity?.length ?? 0) + (d.shasum?.length ?? 0);
  return bytes;
}

/**
 * The same request: the document's address, everything npm-registry-fetch is given for it
 * (credentials, TLS, proxy) and the private scopes (a configuration that keeps the name from this
 * registry must be refused, not answered from another's request).
 */
function requestKey(name: string, config: NpmConfig): string {
  const options = Object.keys(config.options).sort().map((k) => `${k}=${config.options[k]}`).join('\n');
  return `${registryFor(config, name).url}\0${name}\0${options}\0${config.privateScopes.join(',')}`;
}

export class NpmRegistryClient implements RegistryClient {
  /** Asked and answered documents, shared by every caller; a failure is not kept (the next question asks again). */
  private readonly packuments = new LRUCache<string, Promise<ReducedPackument>>({
    maxSize: PACKUMENTS_MAX_BYTES,
    ttl: PACKUMENT_TTL_MS,
    // (a promise still in flight counts as small; it is sized again once it has settled, in packument)
    sizeCalculation: () => 1024,
  });

  constructor(private readonly options: NpmRegistryOptions) {}

  /**
   * Loads the HTTP stack now (~100 ms of module loading) rather than at the first network lookup,
   * where it would hold up requests while checks run. The language server calls this during `initialize`.
   */
  preload(): void {
    require('npm-registry-fetch');
  }

  async fetch(name: string, config: NpmConfig): Promise<PackageInfo> {
    const registry = registryFor(config, name).url;
    const base = { name, registry, source: 'registry' as const, checkedAt: this.options.clock.now() };
    try {
      return interpretPackument(await this.packument(name, config), base);
    } catch (e) {
      const err = e as { code?: string; statusCode?: number; message?: string; headers?: Record<string, string | string[]> };
      if (err.code === 'EPRIVATE' || err.code === 'EDEADLINE') return { ...base, status: 'unverified', reason: err.message, registryFault: false };
      const status = err.statusCode ?? (err.code === 'E404' ? 404 : undefined);
      // Without the credentials the project's .npmrc holds, a private registry may answer 404 for
      // what exists: that is "could not ask", never "does not exist".
      if (status !== undefined && [401, 403, 404].includes(status) && credentialsWithheld(config, registry)) {
        return { ...base, status: 'unverified', reason: `HTTP ${status}: ${WITHHELD}`, registryFault: false, credentialsWithheld: true };
      }
      if (status === 404) return { ...base, status: 'missing' };
      // npm answers 451 for a package it holds back (a security review, a legal hold): the name is
      // taken and nothing of it can be installed, which is what a removed squat looks like.
      if (status === 451) return { ...base, status: 'exists', held: true, note: 'the registry withholds it (HTTP 451 Unavailable For Legal Reasons)' };
      if (err.code === 'ESTALLED') return { ...base, status: 'unverified', reason: err.message, registryFault: true };
      const reason = err.statusCode ? `HTTP ${err.statusCode}` : (err.code ?? err.message ?? 'unknown error');
      // 401/403 concern this name (a private package without auth); anything else, the registry.
      const registryFault = !(err.statusCode && err.statusCode >= 400 && err.statusCode < 500 && err.statusCode !== 408 && err.statusCode !== 429);
      return { ...base, status: 'unverified', reason, registryFault, retryAfterMs: retryAfter(err.headers, this.options.clock.now()) };
    }
  }

  /**
   * The reduced packument of a name, streamed. Throws npm-registry-fetch's errors (E404, HTTP
   * status codes), EPRIVATE for a name the private-scope policy keeps from this registry, EDEADLINE
   * past the run's deadline and ESTALLED for a connection that stopped sending.
   */
  packument(name: string, config: NpmConfig): Promise<ReducedPackument> {
    const key = requestKey(name, config);
    const kept = this.packuments.get(key);
    if (kept) return kept;
    const pending = this.document(name, config, CORGI, reducePackument);
    this.packuments.set(key, pending);
    pending.then(
      (p) => {
        if (this.packuments.peek(key) === pending) this.packuments.set(key, pending, { size: packumentSize(p) });
      },
      () => {
        if (this.packuments.peek(key) === pending) this.packuments.delete(key);
      },
    );
    return pending;
  }

  /**
   * The full registry document (times, repository, scripts: what the abbreviated one leaves out),
   * streamed and reduced to `PackageMetadata`'s fields. Asked only for names whose risk or hover
   * card needs it; the same guards as `packument`.
   */
  metadata(name: string, config: NpmConfig): Promise<PackageMetadata> {
    const registry = registryFor(config, name).url;
    return this.document(name, config, 'application/json', async (body, stall) => summarizeMetadata(await reduceFullDocument(body, stall), name, registry, this.options.clock.now()));
  }

  private async document<T>(name: string, config: NpmConfig, accept: string, reduce: (body: Readable, stall: StallTimer) => Promise<T>): Promise<T> {
    const registry = registryFor(config, name).url;
    const refused = refusedByPrivateScope(config, name);
    if (refused) throw Object.assign(new Error(refused), { code: 'EPRIVATE' });
    if (this.options.signal?.aborted) throw Object.assign(new Error(DEADLINE), { code: 'EDEADLINE' });
    const stall = new StallTimer(this.options.timeoutMs, this.options.signal);
    try {
      const fetch = require('npm-registry-fetch') as (uri: string, opts: object) => Promise<{ body: Readable }>;
      const escaped = name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name);
      const res = await fetch(`${registry}${escaped}`, {
        ...config.options,
        spec: name,
        headers: { accept },
        preferOnline: true,
        // npm-registry-fetch's timeout is the socket's idle timeout, which fires in the timers phase
        // before a busy loop has read the bytes that arrived meanwhile (a cold run's first lookups
        // failed behind a 4 s table build). The stall timer decides, from the request on; this is a
        // safety net only.
        timeout: Math.max(SOCKET_IDLE_NET_MS, this.options.timeoutMs),
        fetchRetries: 1,
        fetchRetryMintimeout: 100,
        fetchRetryMaxtimeout: 500,
        // No HTTP cache for registry documents: the answers are kept instead (npm-registry.jsonl,
        // resolved-versions.jsonl, other-versions.jsonl), and writing a 50 MB document to disk on every
        // run costs more than it saves. While the registry is down, version questions go unanswered.
        signal: stall.signal,
        ...this.options.fetchOptions,
      });
      return await reduce(res.body, stall);
    } catch (e) {
      const err = e as { code?: string };
      if (stall.deadlinePassed) throw Object.assign(new Error(DEADLINE), { code: 'EDEADLINE' });
      if (stall.stalled || err.code === 'EIDLETIMEOUT') throw Object.assign(new Error(`no data for ${this.options.timeoutMs} ms`), { code: 'ESTALLED' });
      throw e;
    } finally {
      stall.dispose();
    }
  }
}

export const DEADLINE = "the run's deadline passed before the registry answered";

/** How late a stall timer may fire before the lateness is blamed on this process rather than the network. */
const LATE_TIMER_MS = 1000;
const SOCKET_IDLE_NET_MS = 60_000;

/**
 * Aborts a request that receives nothing for `ms`; every chunk that arrives restarts the wait.
 * Also aborts, for good, when the run's deadline signal fires.
 */
export class StallTimer {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  /** Counts touches: a decision taken after one is void. */
  private generation = 0;
  private disposed = false;
  stalled = false;
  deadlinePassed = false;
  private rearmed = false;
  private readonly onDeadline = () => {
    this.deadlinePassed = true;
    this.controller.abort(new Error(DEADLINE));
  };

  constructor(private readonly ms: number, private readonly deadline?: AbortSignal) {
    deadline?.addEventListener('abort', this.onDeadline, { once: true });
    this.touch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  touch(): void {
    clearTimeout(this.timer);
    const generation = ++this.generation;
    const due = Date.now() + this.ms;
    const fire = () => {
      // A timer that fires late means this process was busy (parsing thousands of files), not that
      // the connection went quiet: bytes may be waiting unread. Wait once more before giving up.
      if (Date.now() - due > LATE_TIMER_MS && !this.rearmed) {
        this.rearmed = true;
        this.timer = setTimeout(fire, this.ms);
        return;
      }
      // Timers run before the loop reads its sockets: decide after this turn's reads (setImmediate
      // runs after them), so that bytes that arrived while this thread was busy count.
      setImmediate(() => {
        if (this.generation !== generation || this.disposed) return;
        this.stalled = true;
        this.controller.abort(Object.assign(new Error(`no data for ${this.ms} ms`), { code: 'ETIMEDOUT' }));
      });
    };
    this.rearmed = false;
    this.timer = setTimeout(fire, this.ms);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.deadline?.removeEventListener('abort', this.onDeadline);
  }
}

/**
 * Parses a packument as it streams, keeping only what `ReducedPackument` holds. Only each version's
 * `dist` object is ever built (a full document's versions carry readmes, scripts and dependency
 * lists: building each whole made a cold run's heap churn through hundreds of megabytes).
 */
export async function reducePackument(body: Readable, stall?: { touch(): void; signal: AbortSignal }): Promise<ReducedPackument> {
  const out: ReducedPackument = { versions: [], dist: new Map() };
  await streamJson(body, ['$.name', '$.dist-tags', '$.versions.*.dist'], (value, where) => {
    if (where.length === 1 && where[0] === 'name' && typeof value === 'string') out.name = value;
    else if (where.length === 1 && where[0] === 'dist-tags' && isRecord(value)) out['dist-tags'] = stringValues(value);
    else if (where.length === 3 && where[0] === 'versions' && typeof where[1] === 'string') {
      const version = where[1];
      out.versions.push(version);
      const dist = isRecord(value) ? value : {};
      if (typeof dist.tarball === 'string') {
        out.dist.set(version, { tarball: dist.tarball, integrity: typeof dist.integrity === 'string' ? dist.integrity : undefined, shasum: typeof dist.shasum === 'string' ? dist.shasum : undefined });
      }
    }
  }, stall);
  return out;
}

/**
 * A reply up to this size is parsed whole with JSON.parse; a larger one streams through
 * @streamparser/json. Streaming is what keeps a 50 MB document (drizzle-orm's) from being held,
 * but it is slow: on a cold run over astro (1,000 mostly small documents) it took 25 s of the
 * main thread and most of its 9 s of garbage collection.
 */
const WHOLE_PARSE_BYTES = 1024 * 1024;

/**
 * Reads a JSON document, handing each value at `paths` (`$.a`, `$.a.*.b`) to `onValue` with where it
 * is (the keys from the root: `['versions', '1.0.0', 'dist']`), and keeping nothing else. A reply
 * that is not JSON, or ends early, throws EMALFORMED / ETRUNCATED.
 */
async function streamJson(
  body: Readable,
  paths: string[],
  onValue: (value: unknown, where: (string | number | undefined)[]) => void,
  stall?: { touch(): void; signal: AbortSignal },
): Promise<void> {
  let held: Buffer[] | undefined = [];
  let heldBytes = 0;
  let parser: import('@streamparser/json').JSONParser | undefined;
  let malformed: Error | undefined;
  const streamFrom = (chunks: Buffer[]) => {
    const { JSONParser } = require('@streamparser/json') as typeof import('@streamparser/json');
    parser = new JSONParser({ paths, keepStack: false });
    parser.onValue = ({ value, key, stack }) => onValue(value, [...stack.slice(1).map((s) => s.key), key]);
    parser.onError = (e) => (malformed = e);
    for (const chunk of chunks) if (!malformed) parser.write(chunk);
  };
  await new Promise<void>((resolve, reject) => {
    const fail = (e: unknown) => reject(e);
    body.on('data', (chunk: Buffer) => {
      stall?.touch();
      if (held) {
        held.push(chunk);
        heldBytes += chunk.length;
        if (heldBytes <= WHOLE_PARSE_BYTES) return;
        const chunks = held;
        held = undefined;
        streamFrom(chunks);
      } else if (!malformed) parser!.write(chunk);
      if (malformed) body.destroy();
    });
    body.on('end', () => resolve());
    body.on('close', () => (malformed ? resolve() : undefined));
    body.on('error', fail);
    stall?.signal.addEventListener('abort', () => fail(stall.signal.reason), { once: true });
  });
  if (held) {
    const text = Buffer.concat(held, heldBytes).toString('utf8');
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      // V8 puts the error at the end of the text when the text stops inside a value ("Unexpected
      // end of JSON input", "Unterminated string in JSON at position <length>"); anything else is not JSON.
      const message = (e as Error).message;
      const at = /at position (\d+)/.exec(message);
      if (/end of JSON input/i.test(message) || (at && Number(at[1]) >= text.length)) throw Object.assign(new Error('the registry reply ended early'), { code: 'ETRUNCATED' });
      throw Object.assign(new Error('malformed registry reply'), { code: 'EMALFORMED' });
    }
    for (const p of paths) selectPath(doc, p.split('.').slice(1), [], onValue);
    return;
  }
  if (malformed) throw Object.assign(new Error('malformed registry reply'), { code: 'EMALFORMED' });
  if (!parser!.isEnded) throw Object.assign(new Error('the registry reply ended early'), { code: 'ETRUNCATED' });
}

/** The values of a parsed document at one of streamJson's paths (`*`: every member), as the streaming parser hands them over. */
function selectPath(value: unknown, steps: string[], where: (string | number)[], onValue: (value: unknown, where: (string | number)[]) => void): void {
  if (steps.length === 0) return onValue(value, where);
  if (!value || typeof value !== 'object') return;
  const [step, ...rest] = steps;
  if (step === '*') {
    if (Array.isArray(value)) value.forEach((v, i) => selectPath(v, rest, [...where, i], onValue));
    else for (const [k, v] of Object.entries(value)) selectPath(v, rest, [...where, k], onValue);
  } else if (!Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, step)) {
    selectPath((value as Record<string, unknown>)[step], rest, [...where, step], onValue);
  }
}

/** The full document's fields a risk verdict and a hover card read; versions keep only a few small facts. */
export interface FullDocument {
  name?: string;
  'dist-tags'?: Record<string, string>;
  time: Record<string, string>;
  description?: string;
  license?: string;
  repository?: string;
  versions: Map<string, VersionFacts>;
}

interface VersionFacts {
  installScripts: string[];
  repository?: string;
  license?: string;
  description?: string;
  deprecated?: string;
}

const INSTALL_HOOKS = ['preinstall', 'install', 'postinstall'];

function repositoryUrl(v: unknown): string | undefined {
  if (typeof v === 'string') return v || undefined;
  return isRecord(v) && typeof v.url === 'string' && v.url ? v.url : undefined;
}

function licenseOf(v: Record<string, unknown>): string | undefined {
  if (typeof v.license === 'string') return v.license;
  if (isRecord(v.license) && typeof v.license.type === 'string') return v.license.type;
  const first = Array.isArray(v.licenses) ? v.licenses[0] : undefined;
  return isRecord(first) && typeof first.type === 'string' ? first.type : undefined;
}

export async function reduceFullDocument(body: Readable, stall?: { touch(): void; signal: AbortSignal }): Promise<FullDocument> {
  const out: FullDocument = { time: {}, versions: new Map() };
  const facts = (version: string): VersionFacts => {
    let f = out.versions.get(version);
    if (!f) out.versions.set(version, (f = { installScripts: [] }));
    return f;
  };
  const perVersion = ['version', 'scripts', 'hasInstallScript', 'repository', 'license', 'licenses', 'description', 'deprecated'].map((field) => `$.versions.*.${field}`);
  await streamJson(body, ['$.name', '$.dist-tags', '$.time', '$.description', '$.license', '$.repository', ...perVersion], (value, where) => {
    const [top, version, field] = where;
    if (where.length === 1) {
      if (top === 'name' && typeof value === 'string') out.name = value;
      else if (top === 'dist-tags' && isRecord(value)) out['dist-tags'] = stringValues(value);
      else if (top === 'time' && isRecord(value)) out.time = stringValues(value);
      else if (top === 'description' && typeof value === 'string') out.description = value;
      else if (top === 'license') out.license = licenseOf({ license: value });
      else if (top === 'repository') out.repository = repositoryUrl(value);
      return;
    }
    if (where.length !== 3 || top !== 'versions' || typeof version !== 'string') return;
    const f = facts(version);
    if (field === 'scripts' && isRecord(value)) {
      // The abbreviated document says hasInstallScript; the full one lists the scripts.
      for (const hook of INSTALL_HOOKS) if (typeof value[hook] === 'string' && !f.installScripts.includes(hook)) f.installScripts.push(hook);
    } else if (field === 'hasInstallScript' && value === true && f.installScripts.length === 0) f.installScripts.push('install');
    else if (field === 'repository') f.repository = repositoryUrl(value);
    else if (field === 'license' || field === 'licenses') f.license ??= licenseOf({ [field]: value });
    else if (field === 'description' && typeof value === 'string') f.description = value;
    else if (field === 'deprecated' && typeof value === 'string') f.deprecated = value;
  }, stall);
  return out;
}

/**
 * What a hover card and the risk signals need, from a full document. First publication is
 * `time.created` where the registry gives it, else the earliest version's time (mirrors and some
 * registries leave `created` out).
 */
export function summarizeMetadata(doc: FullDocument, name: string, registry: string, now: number): PackageMetadata {
  const latest = doc['dist-tags']?.latest;
  const facts = latest ? doc.versions.get(latest) : undefined;
  const versionTimes = [...doc.versions.keys()].map((v) => Date.parse(doc.time[v] ?? '')).filter(Number.isFinite);
  const created = Date.parse(doc.time.created ?? '');
  const latestTime = latest ? Date.parse(doc.time[latest] ?? '') : NaN;
  return {
    name,
    registry,
    latest,
    description: doc.description ?? facts?.description,
    license: facts?.license ?? doc.license,
    repository: doc.repository ?? facts?.repository,
    versionCount: doc.versions.size,
    firstPublished: Number.isFinite(created) ? created : versionTimes.length ? Math.min(...versionTimes) : undefined,
    lastPublished: versionTimes.length ? Math.max(...versionTimes) : Number.isFinite(latestTime) ? latestTime : undefined,
    installScripts: facts?.installScripts ?? [],
    deprecated: facts?.deprecated,
    checkedAt: now,
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function stringValues(v: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** Reads a (reduced) packument defensively: a malformed reply is "unverified", never "missing". */
export function interpretPackument(p: ReducedPackument, base: Omit<PackageInfo, 'status'>): PackageInfo {
  const versions = p.versions;
  const latest = p['dist-tags']?.latest;
  if (versions.length === 0 && !latest) {
    // A document that is not a packument at all (not even a name) is no answer; an unpublished one is.
    if (!p.name) return { ...base, status: 'unverified', reason: 'malformed registry reply' };
    return { ...base, status: 'missing', note: 'it has no published versions (unpublished)' };
  }
  if (latest && SECURITY_PLACEHOLDER.test(latest) && versions.every((v) => SECURITY_PLACEHOLDER.test(v))) {
    return { ...base, status: 'missing', latest, note: 'npm replaced it with a security placeholder (a removed malicious package)' };
  }
  return { ...base, status: 'exists', latest };
}

/** HTTP Retry-After (seconds or a date) in ms, capped at 10 minutes; undefined when absent or unreadable. */
export function retryAfter(headers: Record<string, string | string[]> | undefined, now: number): number | undefined {
  const raw = headers?.['retry-after'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, 10 * 60 * 1000) : undefined;
}
