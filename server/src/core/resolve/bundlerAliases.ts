/**
 * Aliases declared in bundler and Babel configs (vite, webpack, rollup, babel-plugin-module-resolver).
 * The config is parsed with the TypeScript parser and only literal keys are taken: an alias is a
 * property named `alias` holding an object (`{ '@ui': ... }`) or an array of `{ find: '...' }`.
 */
import * as path from 'path';
import type * as TypeScript from 'typescript';
import type { FileSystem } from '../io';
import type { DerivedCache } from '../derivedCache';

/**
 * Config files that can declare aliases, by name: any `<tool>.config[.<suffix>].<ext>` of these tools
 * (`vitest.config.e2e.ts`, `vite.config.prod.mjs`), and Babel's rc files.
 */
const CONFIG_FILE = /^(?:vite|vitest|webpack|rollup|babel|next|nuxt|astro|svelte|rspack|rsbuild|electron\.vite)[.-]config(?:\.[\w-]+)*\.(?:[cm]?[jt]s|json)$|^\.babelrc(?:\.(?:js|cjs|json))?$/;

/** The same files as a watcher glob. */
export const BUNDLER_CONFIG_GLOB = '**/{vite,vitest,webpack,rollup,babel,next,nuxt,astro,svelte,rspack,rsbuild,electron.vite}{.,-}config*.{js,mjs,cjs,ts,mts,cts,json}';

/** The names `readBundlerAliases` reads in a folder (also what a watcher of them must watch). */
export function isBundlerConfigFile(name: string): boolean {
  return CONFIG_FILE.test(name);
}

export function aliasesFromConfigText(fileName: string, text: string): string[] {
  // (loaded here, not with the module: a warm run reads every config's aliases back from the cache)
  const ts = require('typescript') as typeof TypeScript;
  const propertyName = (name: TypeScript.PropertyName): string | undefined => {
    if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
    return undefined;
  };
  const kind = fileName.endsWith('.json') || fileName === '.babelrc' ? ts.ScriptKind.JSON : ts.ScriptKind.TS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, kind);
  const found: string[] = [];
  const visit = (node: TypeScript.Node) => {
    if (ts.isPropertyAssignment(node) && propertyName(node.name) === 'alias') {
      const init = node.initializer;
      if (ts.isObjectLiteralExpression(init)) {
        for (const prop of init.properties) {
          const key = prop.name && propertyName(prop.name as TypeScript.PropertyName);
          if (key) found.push(key);
        }
      } else if (ts.isArrayLiteralExpression(init)) {
        for (const el of init.elements) {
          if (!ts.isObjectLiteralExpression(el)) continue;
          for (const prop of el.properties) {
            if (ts.isPropertyAssignment(prop) && propertyName(prop.name) === 'find' && ts.isStringLiteralLike(prop.initializer)) {
              found.push(prop.initializer.text);
            }
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  // webpack's `name$` means "exactly name"; the name is what matters here.
  return found.map((a) => a.replace(/\$$/, '')).filter((a) => a.length > 0);
}

export function readBundlerAliases(fs: FileSystem, dir: string, derived?: DerivedCache): string[] {
  const aliases: string[] = [];
  for (const file of fs.readDir(dir).filter(isBundlerConfigFile)) {
    const text = fs.readFile(path.join(dir, file));
    // (a config without the word `alias` declares none: most of astro's 400 fixture configs)
    if (text === undefined || text.length >= 512 * 1024 || !text.includes('alias')) continue;
    const read = () => aliasesFromConfigText(file, text);
    aliases.push(...(derived ? derived.small(`aliases ${file}`, text, read) : read()));
  }
  return aliases;
}

export function matchesAlias(specifier: string, alias: string): boolean {
  return specifier === alias || specifier.startsWith(alias.endsWith('/') ? alias : alias + '/');
}
