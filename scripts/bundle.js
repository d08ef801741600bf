// Bundles the client and the server for the .vsix with esbuild; tests use the tsc output in out/.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const common = { bundle: true, platform: 'node', target: 'node18', format: 'cjs', sourcemap: true, logLevel: 'warning', minifySyntax: true,
  // ESM-only dependencies (fdir under tinyglobby) read import.meta.url; give them this file's URL.
  // jsonc-parser's UMD build hides its requires from bundlers; its ESM build does not.
  mainFields: ['module', 'main'],
  define: { 'import.meta.url': '__groundcheckImportMetaUrl' },
  banner: { js: "const __groundcheckImportMetaUrl = require('url').pathToFileURL(__filename).href;" },
};

async function main() {
  await Promise.all([
    esbuild.build({ ...common, entryPoints: [path.join(root, 'client/src/extension.ts')], outfile: path.join(root, 'dist/client.js'), external: ['vscode'] }),
    esbuild.build({ ...common, entryPoints: [path.join(root, 'server/src/bin/groundcheck-lsp.ts')], outfile: path.join(root, 'dist/server.js'), external: ['node-gyp/*', '*.wasm'] }),
    // (the CycloneDX library's XML plug-ins are optional and unused: the SBOM is JSON)
    esbuild.build({ ...common, entryPoints: [path.join(root, 'server/src/bin/groundcheck.ts')], outfile: path.join(root, 'dist/cli.js'), external: ['node-gyp/*', '*.wasm', 'libxmljs2', 'xmlbuilder2'] }),
    // the CLI's parser workers (extractPool.ts starts dist/extractWorker.js beside dist/cli.js)
    esbuild.build({ ...common, entryPoints: [path.join(root, 'server/src/core/extract/extractWorker.ts')], outfile: path.join(root, 'dist/extractWorker.js'), external: ['node-gyp/*', '*.wasm'] }),
  ]);
  fs.mkdirSync(path.join(root, 'dist/data'), { recursive: true });
  for (const f of fs.readdirSync(path.join(root, 'server/data'))) fs.copyFileSync(path.join(root, 'server/data', f), path.join(root, 'dist/data', f));
  // The Python parser's runtime and grammar (found by name beside the bundle, see server/src/core/dataFiles.ts).
  for (const wasm of ['web-tree-sitter/web-tree-sitter.wasm', 'tree-sitter-python/tree-sitter-python.wasm', 'tree-sitter-bash/tree-sitter-bash.wasm']) {
    fs.copyFileSync(require.resolve(wasm), path.join(root, 'dist/data', path.basename(wasm)));
  }
  // @types/node, for the exports of Node builtins in workspaces that have none (server/src/core/exports/nodeTypes.ts).
  const nodeTypes = path.dirname(require.resolve('groundcheck-node-types/package.json'));
  fs.rmSync(path.join(root, 'dist/types/node'), { recursive: true, force: true });
  fs.cpSync(nodeTypes, path.join(root, 'dist/types/node'), { recursive: true, filter: (src) => fs.statSync(src).isDirectory() || /\.d\.ts$|package\.json$|LICENSE$/.test(src) });
  console.log('bundled dist/client.js, dist/server.js and dist/cli.js');
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
