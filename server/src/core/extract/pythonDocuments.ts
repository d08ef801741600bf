/** Which Python documents are checked, and as what. */
import * as path from 'path';

export type PythonDocumentKind = 'python' | 'requirements' | 'pyproject' | 'setup.cfg';

export function pythonDocumentKind(file: string, languageId?: string): PythonDocumentKind | undefined {
  const base = path.basename(file);
  if (/^requirements.*\.(txt|in)$/i.test(base) || languageId === 'pip-requirements') return 'requirements';
  if (base === 'pyproject.toml') return 'pyproject';
  if (base === 'setup.cfg') return 'setup.cfg';
  if (languageId === 'python' || /\.pyi?$/.test(base)) return 'python';
  return undefined;
}
