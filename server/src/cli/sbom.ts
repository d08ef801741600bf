/**
 * `groundcheck sbom`: a CycloneDX 1.6 JSON bill of materials of what the project depends on, each
 * component with its registry, version, integrity and Groundcheck's verdict, written with
 * @cyclonedx/cyclonedx-library (models and serializer) rather than by hand.
 */
import type * as CDXTypes from '@cyclonedx/cyclonedx-library';
import type { InventoryItem } from '../core/inventory/inventory';
import { parseIntegrity } from '../core/registry/integrity';

const CDX = require('@cyclonedx/cyclonedx-library') as typeof CDXTypes;
const { PackageURL } = require('packageurl-js') as typeof import('packageurl-js');

const SRI_ALGORITHMS: Record<string, CDXTypes.Enums.HashAlgorithm> = {
  sha1: CDX.Enums.HashAlgorithm['SHA-1'],
  sha256: CDX.Enums.HashAlgorithm['SHA-256'],
  sha384: CDX.Enums.HashAlgorithm['SHA-384'],
  sha512: CDX.Enums.HashAlgorithm['SHA-512'],
};

function purl(item: InventoryItem): string | undefined {
  if (!item.version) return undefined;
  if (item.ecosystem === 'pypi') return new PackageURL('pypi', undefined, item.name.toLowerCase().replace(/[-_.]+/g, '-'), item.version, undefined, undefined).toString();
  const [namespace, name] = item.name.startsWith('@') ? [item.name.slice(0, item.name.indexOf('/')), item.name.slice(item.name.indexOf('/') + 1)] : [undefined, item.name];
  return new PackageURL('npm', namespace, name, item.version, undefined, undefined).toString();
}

export interface SbomSubject {
  name: string;
  version?: string;
  toolVersion: string;
}

export function buildSbom(subject: SbomSubject, items: InventoryItem[], now: Date): string {
  const bom = new CDX.Models.Bom();
  bom.metadata.timestamp = now;
  bom.metadata.tools.components.add(new CDX.Models.Component(CDX.Enums.ComponentType.Application, 'groundcheck', { version: subject.toolVersion }));
  bom.metadata.component = new CDX.Models.Component(CDX.Enums.ComponentType.Application, subject.name, { version: subject.version, bomRef: 'root' });
  for (const item of items) {
    const ref = `${item.ecosystem}:${item.name}@${item.version ?? item.range ?? ''}`;
    const component = new CDX.Models.Component(CDX.Enums.ComponentType.Library, item.name, { version: item.version, purl: purl(item), bomRef: ref });
    for (const [algorithm, digests] of parseIntegrity(item.integrity ?? '')) {
      for (const digest of digests) component.hashes.set(SRI_ALGORITHMS[algorithm], Buffer.from(digest, 'base64').toString('hex'));
    }
    if (item.url) component.externalReferences.add(new CDX.Models.ExternalReference(item.url, CDX.Enums.ExternalReferenceType.Distribution));
    if (item.registry) component.externalReferences.add(new CDX.Models.ExternalReference(item.registry, CDX.Enums.ExternalReferenceType.Other, { comment: 'registry' }));
    const properties: [string, string | undefined][] = [
      ['groundcheck:verdict', item.verdict],
      ['groundcheck:ecosystem', item.ecosystem],
      ['groundcheck:registry', item.registry],
      ['groundcheck:declaredRange', item.range],
      ['groundcheck:source', item.source],
      ['groundcheck:reason', item.reason],
    ];
    for (const [name, value] of properties) if (value) component.properties.add(new CDX.Models.Property(name, value));
    bom.components.add(component);
  }
  const serializer = new CDX.Serialize.JsonSerializer(new CDX.Serialize.JSON.Normalize.Factory(CDX.Spec.Spec1dot6));
  return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
}
