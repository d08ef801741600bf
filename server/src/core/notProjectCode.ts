/**
 * Folders whose contents are not the project's own code: dependencies, vendored copies, Python
 * environments, build output and tool caches. The CLI does not scan them, and the Python resolver
 * does not count the modules in them as the project's (a folder with a `pyvenv.cfg` is an
 * environment whatever its name; both check for that too).
 */
export const NOT_PROJECT_CODE: ReadonlySet<string> = new Set([
  'node_modules', 'bower_components', 'jspm_packages', '.yarn', '.pnpm-store',
  'vendor', 'vendors', '_vendor', 'third_party', 'third-party',
  'site-packages', '.venv', 'venv', '.tox', '.nox', '__pycache__', '.mypy_cache', '.pytest_cache',
  'build', 'dist',
  '.git', '.hg', '.svn',
]);
