/**
 * Subresource integrity strings (`sha512-<base64>`, several separated by spaces) as lockfiles and
 * registries write them. Two integrities can only be compared on an algorithm both name: npm's
 * registry gives sha512 (`dist.integrity`) and sha1 (`dist.shasum`, hex); old yarn.lock files keep
 * only sha1.
 */

/** Algorithm (`sha512`) -> base64 digests, for the algorithms lockfiles use. */
export function parseIntegrity(integrity: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const part of integrity.trim().split(/\s+/)) {
    const m = /^(sha1|sha256|sha384|sha512)-([A-Za-z0-9+/=]+)(?:\?.*)?$/.exec(part);
    if (!m) continue;
    if (!out.has(m[1])) out.set(m[1], new Set());
    out.get(m[1])!.add(m[2]);
  }
  return out;
}

const STRENGTH = ['sha512', 'sha384', 'sha256', 'sha1'];

/**
 * 'same' when the strongest algorithm both name has a digest in common, 'different' when it has
 * none, undefined when they share no algorithm (nothing can be said).
 */
export function compareIntegrity(locked: string, published: string[]): 'same' | 'different' | undefined {
  const a = parseIntegrity(locked);
  const b = parseIntegrity(published.join(' '));
  const algorithm = STRENGTH.find((alg) => a.has(alg) && b.has(alg));
  if (!algorithm) return undefined;
  for (const digest of a.get(algorithm)!) if (b.get(algorithm)!.has(digest)) return 'same';
  return 'different';
}

/** The registry's `dist.shasum` (hex sha1) as an integrity string. */
export function shasumIntegrity(shasum: string): string | undefined {
  return /^[0-9a-f]{40}$/i.test(shasum) ? `sha1-${Buffer.from(shasum, 'hex').toString('base64')}` : undefined;
}
