/**
 * One packument request to an npm registry through pacote, which honours the registry, scoped
 * registry and auth keys of .npmrc. Only metadata is fetched (the abbreviated "corgi" document);
 * no tarball is downloaded and nothing is executed.
 */
import type * as Pacote from 'pacote';
import type { PackageInfo } from '../model';
import type { Clock } from '../io';
import type { NpmConfig } from './npmrc';
import { registryFor } from './npmrc';

export interface RegistryClient<C = NpmConfig> {
  fetch(name: string, config: C): Promise<PackageInfo>;
}

export interface NpmRegistryOptions {
  /** Extra npm-registry-fetch options (tests inject a failing DNS lookup through `dns.lookup`). */
  fetchOptions?: Record<string, unknown>;
  /** Whole-request bound, in ms: past it the answer is "unverified". */
  timeoutMs: number;
  /** pacote's HTTP cache directory (kept apart from the user's ~/.npm). */
  httpCacheDir?: string;
  clock: Clock;
}

/** npm replaces removed malicious packages with this placeholder version. */
const SECURITY_PLACEHOLDER = /^0\.0\.\d+-security(?:\.\d+)?$/;

export class NpmRegistryClient implements RegistryClient {
  constructor(private readonly options: NpmRegistryOptions) {}

  /**
   * Loads pacote now (~100 ms of module loading) rather than at the first network lookup, where it
   * would hold up requests while checks run. The language server calls this during `initialize`.
   */
  preload(): void {
    require('pacote');
  }

  async fetch(name: string, config: NpmConfig): Promise<PackageInfo> {
    const registry = registryFor(config, name).url;
    const base = { name, registry, source: 'registry' as const, checkedAt: this.options.clock.now() };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`timed out after ${this.options.timeoutMs} ms`), { code: 'ETIMEDOUT' })), this.options.timeoutMs);
    });
    try {
      // Loaded on the first network lookup: a session served from the disk cache never pays for it.
      const pacote = require('pacote') as typeof Pacote;
      const packument = await Promise.race([
        pacote.packument(name, {
          ...config.options,
          fullMetadata: false,
          preferOnline: true,
          timeout: this.options.timeoutMs,
          fetchRetries: 1,
          fetchRetryMintimeout: 100,
          fetchRetryMaxtimeout: 500,
          cache: this.options.httpCacheDir,
          ...this.options.fetchOptions,
        } as Pacote.Options),
        timeout,
      ]);
      return interpretPackument(packument as unknown as Packument, base);
    } catch (e) {
      const err = e as { code?: string; statusCode?: number; message?: string; headers?: Record<string, string | string[]> };
      if (err.code === 'E404' || err.statusCode === 404) return { ...base, status: 'missing' };
      const reason = err.statusCode ? `HTTP ${err.statusCode}` : (err.code ?? err.message ?? 'unknown error');
      // 401/403 concern this name (a private package without auth); anything else, the registry.
      const registryFault = !(err.statusCode && err.statusCode >= 400 && err.statusCode < 500 && err.statusCode !== 408 && err.statusCode !== 429);
      return { ...base, status: 'unverified', reason, registryFault, retryAfterMs: retryAfter(err.headers, this.options.clock.now()) };
    } finally {
      clearTimeout(timer);
    }
  }
}

interface Packument {
  'dist-tags'?: Record<string, string>;
  versions?: Record<string, unknown>;
}

/** Reads a packument defensively: a malformed reply is "unverified", never "missing". */
export function interpretPackument(p: Packument, base: Omit<PackageInfo, 'status'>): PackageInfo {
  if (!p || typeof p !== 'object') return { ...base, status: 'unverified', reason: 'malformed registry reply' };
  const versions = p.versions && typeof p.versions === 'object' ? Object.keys(p.versions) : [];
  const latest = typeof p['dist-tags']?.latest === 'string' ? p['dist-tags'].latest : undefined;
  if (versions.length === 0 && !latest) {
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
