/** Test doubles for the core's I/O seams. */
import type { Clock } from '../../server/src/core/io';
import type { PackageInfo } from '../../server/src/core/model';
import type { RegistryClient } from '../../server/src/core/registry/npmRegistry';
import { registryFor, type NpmConfig } from '../../server/src/core/registry/npmrc';

export class FakeClock implements Clock {
  constructor(public t = 1_700_000_000_000) {}
  now(): number {
    return this.t;
  }
}

/** A registry that knows a fixed set of names and records every question it is asked. */
export class FakeRegistry implements RegistryClient {
  readonly asked: string[] = [];
  failing = false;
  constructor(private readonly known: Record<string, string>, private readonly clock: Clock = new FakeClock()) {}

  async fetch(name: string, config: NpmConfig): Promise<PackageInfo> {
    this.asked.push(name);
    const registry = registryFor(config, name).url;
    const base = { name, registry, source: 'registry' as const, checkedAt: this.clock.now() };
    if (this.failing) return { ...base, status: 'unverified', reason: 'HTTP 500' };
    const latest = this.known[name];
    return latest ? { ...base, status: 'exists', latest } : { ...base, status: 'missing' };
  }
}
