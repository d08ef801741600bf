/** Files shipped beside the code: server/data in a checkout, dist/data beside the bundle. */
import * as path from 'path';
import { ancestors, nodeFileSystem as fs } from './io';

export function dataFile(name: string, fromPackage?: () => string): string {
  const candidates = [path.join(__dirname, 'data', name), ...[...ancestors(__dirname)].map((dir) => path.join(dir, 'server', 'data', name))];
  const found = candidates.find((c) => fs.exists(c));
  if (found) return found;
  if (fromPackage) {
    try {
      return fromPackage();
    } catch {
      // not installed either: the caller reports the missing file
    }
  }
  return candidates[0];
}
