/**
 * tree-sitter through web-tree-sitter (wasm: no native build), for Python and shell. The runtime is
 * initialised once per process; each grammar gets its own parser, loaded on first use.
 */
import type { Parser as TSParser } from 'web-tree-sitter';
import { nodeFileSystem as fs } from '../io';
import { dataFile } from '../dataFiles';

let runtime: Promise<typeof import('web-tree-sitter')> | undefined;
const parsers = new Map<string, Promise<TSParser>>();

function init(): Promise<typeof import('web-tree-sitter')> {
  runtime ??= (async () => {
    const ts = require('web-tree-sitter') as typeof import('web-tree-sitter');
    // Bytes, not paths: given a path, web-tree-sitter reads it through a dynamic import(), which
    // fails under a V8 code cache (the CLI's) and in some bundles.
    const wasm = await fs.readBytesAsync(dataFile('web-tree-sitter.wasm', () => require.resolve('web-tree-sitter/web-tree-sitter.wasm')));
    await ts.Parser.init({ wasmBinary: wasm });
    return ts;
  })();
  return runtime;
}

/** A parser for a grammar shipped as `<file>` beside the bundle (dist/data) or in its npm package. */
export function treeSitterParser(file: string, fromPackage: () => string): Promise<TSParser> {
  let pending = parsers.get(file);
  if (!pending) {
    pending = (async () => {
      const { Parser, Language } = await init();
      const language = await Language.load(await fs.readBytesAsync(dataFile(file, fromPackage)));
      const parser = new Parser();
      parser.setLanguage(language);
      return parser;
    })();
    parsers.set(file, pending);
  }
  return pending;
}
