/**
 * Every file whose change alters what the resolvers know (manifests, lockfiles, tsconfigs, bundler
 * configs, Python dependency files, environments). One list, next to the readers: the language
 * server registers watchers for exactly these (any LSP client gets invalidation, not only VS Code).
 */
export const WATCHED_FILE_GLOBS: readonly string[] = [
  // npm: manifests, configuration, workspaces, ambient declarations
  '**/{package.json,groundcheck.json,tsconfig*.json,jsconfig*.json,.npmrc,pnpm-workspace.yaml,lerna.json,*.d.ts}',
  // lockfiles (the version checked)
  '**/{package-lock.json,npm-shrinkwrap.json,yarn.lock,pnpm-lock.yaml,bun.lock,bun.lockb}',
  // bundler and Babel configs (aliases): any <tool>.config[.<suffix>].<ext>, see isBundlerConfigFile
  '**/{vite,vitest,webpack,rollup,babel,next,nuxt,astro,svelte,rspack,rsbuild,electron.vite}{.,-}config*.{js,mjs,cjs,ts,mts,cts,json}',
  '**/.babelrc*',
  // Python: dependency files, environments
  '**/{requirements*.txt,pyproject.toml,setup.cfg,setup.py,Pipfile,tox.ini,uv.lock,poetry.lock,pip.conf,pyvenv.cfg,*.dist-info/RECORD}',
];
