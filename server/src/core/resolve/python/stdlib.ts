/** Standard-library top-level modules of Python 3.8 to 3.14 (server/data/python-stdlib.json, generated). */
import * as fs from 'fs';
import { dataFile } from '../../dataFiles';

let all: Set<string> | undefined;

/** Whether a top-level module is in the standard library of any supported Python (a miss beats a false alarm). */
export function isStdlibModule(top: string): boolean {
  if (!all) {
    const json = JSON.parse(fs.readFileSync(dataFile('python-stdlib.json'), 'utf8')) as { pythons: Record<string, string[]> };
    all = new Set(Object.values(json.pythons).flat());
  }
  return all.has(top);
}
