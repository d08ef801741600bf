/**
 * The @types/node Groundcheck ships, for Node builtins in workspaces that have none: dist/types/node
 * beside the bundle, else the copy in this checkout's node_modules.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ancestors } from '../io';

export function bundledNodeTypes(): string | undefined {
  for (const dir of ancestors(__dirname)) {
    for (const candidate of [path.join(dir, 'types', 'node'), path.join(dir, 'dist', 'types', 'node'), path.join(dir, 'node_modules', '@types', 'node')]) {
      if (fs.existsSync(path.join(candidate, 'index.d.ts'))) return candidate;
    }
  }
  return undefined;
}
