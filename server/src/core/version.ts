/** The tool's version, from the package.json above this file (out/ in a checkout, dist/ bundled). */
import * as path from 'path';
import { ancestors, nodeFileSystem } from './io';

let cached: string | undefined;

export function toolVersion(): string {
  if (cached) return cached;
  for (const dir of ancestors(__dirname)) {
    const manifest = nodeFileSystem.readFile(path.join(dir, 'package.json'));
    if (manifest === undefined) continue;
    try {
      const json = JSON.parse(manifest) as { name?: string; version?: string };
      if (json.name === 'groundcheck' && json.version) return (cached = json.version);
    } catch {
      // keep looking
    }
  }
  return (cached = 'dev');
}
