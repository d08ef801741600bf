/** The load scenario shared by the load test and the benchmark: 500 documents, 10,000 distinct names. */
import { FaultyRegistry } from './faultyRegistry';

export const DOCUMENTS = 500;
export const IMPORTS_PER_DOCUMENT = 20;

/** A registry where every name exists except those ending in 7. */
export function loadRegistry(): Promise<FaultyRegistry> {
  return FaultyRegistry.start((p) => {
    const name = p.slice(1);
    return name.endsWith('7')
      ? { status: 404, body: '{"error":"Not found"}' }
      : { status: 200, body: JSON.stringify({ name, 'dist-tags': { latest: '1.0.0' }, versions: { '1.0.0': {} } }) };
  });
}

export function loadDocument(d: number): string {
  const lines: string[] = [];
  for (let i = 0; i < IMPORTS_PER_DOCUMENT; i++) lines.push(`import m${i} from 'load-pkg-${d * IMPORTS_PER_DOCUMENT + i}';`);
  return lines.join('\n') + '\nexport const x = 1;\n';
}
