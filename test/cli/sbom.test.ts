/**
 * `groundcheck sbom`: a CycloneDX 1.6 bill of materials of the lockfile-registry fixture (npm and
 * Python lockfiles) against a loopback Verdaccio and Simple API index, validated against the
 * CycloneDX schema by the library's own strict validator; each component carries its verdict.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type * as CDXTypes from '@cyclonedx/cyclonedx-library';
import { SimpleIndex } from '../support/simpleIndex';
import { LOCKFILE_REGISTRY_PACKAGES, publishedFixture } from '../support/registryWorkspace';
import { runCliProcess } from '../support/cli';
import { isolatedEnv } from '../support/workspace';

const CDX = require('@cyclonedx/cyclonedx-library') as typeof CDXTypes;

interface Component { name: string; version?: string; purl?: string; hashes?: { alg: string; content: string }[]; properties?: { name: string; value: string }[] }

describe('groundcheck sbom (CycloneDX 1.6)', function () {
  this.timeout(90_000);

  it('writes a valid CycloneDX 1.6 document with each locked package, its integrity and its verdict', async () => {
    const { root, registry } = await publishedFixture('lockfile-registry', LOCKFILE_REGISTRY_PACKAGES);
    const index = await SimpleIndex.start();
    try {
      const r = await runCliProcess(['sbom', '.', '-o', 'bom.json', '--no-cache', '--index-url', index.url], root, isolatedEnv(root));
      assert.strictEqual(r.code, 0, r.stderr);
      const text = fs.readFileSync(path.join(root, 'bom.json'), 'utf8');
      const errors = await new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6).validate(text);
      assert.strictEqual(errors, null, JSON.stringify(errors));
      const bom = JSON.parse(text) as { bomFormat: string; specVersion: string; metadata: { component: { name: string } }; components: Component[] };
      assert.strictEqual(bom.specVersion, '1.6');
      assert.strictEqual(bom.metadata.component.name, 'lockfile-registry');
      const prop = (c: Component, name: string) => c.properties?.find((p) => p.name === name)?.value;
      const verdicts = bom.components.map((c) => `${c.name}@${c.version} ${prop(c, 'groundcheck:verdict')}`).sort();
      assert.deepStrictEqual(verdicts, [
        'express-jwt-auth-helperz@1.0.0 not-published',
        'fast-json-parser-v2@1.0.0 not-published',
        'fastapi-utils-v3@1.0.0 not-published',
        'left-pad@1.3.0 tampered',
        'made-up-uv-dep-zz@0.3.1 not-published',
        'ms@2.0.0 not-published',
        'ms@2.1.3 tampered',
        'nextjs-auth-helperz@2.0.0 not-published',
        'numpy@0.0.1 not-published',
        'pandas@2.2.2 tampered',
        'react-hook-form-pro@1.0.0 not-published',
        'requests@2.31.0 verified',
        'requests@2.32.3 tampered',
        'zod@3.23.8 tampered',
        'zod@3.99.0 not-published',
      ], r.stderr);
      const zod = bom.components.find((c) => c.name === 'zod' && c.version === '3.23.8')!;
      assert.strictEqual(zod.purl, 'pkg:npm/zod@3.23.8');
      assert.ok(zod.hashes?.some((h) => h.alg === 'SHA-512' && /^[0-9a-f]{128}$/.test(h.content)), JSON.stringify(zod.hashes));
      assert.match(prop(zod, 'groundcheck:registry') ?? '', /^http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.match(r.stderr, /15 components \(/);
    } finally {
      await registry.stop();
      await index.stop();
    }
  });
});
