/** A fixture copied to a temp folder, a Verdaccio with the given packages, and the language server on both. */
import * as fs from 'fs';
import * as path from 'path';
import { LspClient } from './lspClient';
import { Verdaccio } from './verdaccio';
import { copyFixture, isolatedEnv } from './workspace';

export interface RegistryWorkspace {
  root: string;
  registry: Verdaccio;
  client: LspClient;
  stop(): Promise<void>;
}

export async function startRegistryWorkspace(fixture: string, packages: [name: string, version: string][]): Promise<RegistryWorkspace> {
  const registry = await Verdaccio.start();
  await Promise.all(packages.map(([name, version]) => registry.publish(name, version)));
  const root = copyFixture(fixture);
  fs.writeFileSync(path.join(root, '.npmrc'), `registry=${registry.url}\n`);
  const client = await LspClient.start({ rootDir: root, env: isolatedEnv(root), initializationOptions: { cacheDir: path.join(root, '.cache') } });
  return {
    root,
    registry,
    client,
    async stop() {
      await client.stop();
      await registry.stop();
    },
  };
}
