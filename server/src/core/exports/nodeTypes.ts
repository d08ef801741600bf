/**
 * The @types/node Groundcheck ships, for Node builtins in workspaces that have none: dist/types/node
 * beside the bundle, else the copy in this checkout's node_modules (installed as the alias
 * groundcheck-node-types, the newest @types/node: a project may run a newer Node than ours, and a
 * builtin added since must not be reported as made up).
 */
import * as path from 'path';
import { ancestors, nodeFileSystem as fs } from '../io';

export function bundledNodeTypes(): string | undefined {
  for (const dir of ancestors(__dirname)) {
    for (const candidate of [path.join(dir, 'types', 'node'), path.join(dir, 'dist', 'types', 'node'), path.join(dir, 'node_modules', 'groundcheck-node-types')]) {
      if (fs.exists(path.join(candidate, 'index.d.ts'))) return candidate;
    }
  }
  return undefined;
}
