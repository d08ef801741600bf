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

/** What test/fixtures/lockfile-registry's lockfiles lock and the registry must have (their integrities are these tarballs'). */
export const LOCKFILE_REGISTRY_PACKAGES: [name: string, version: string][] = [['left-pad', '1.3.0'], ['ms', '2.1.3'], ['zod', '3.23.8']];

/** A fixture copied to a temp folder whose .npmrc names a Verdaccio that has the given packages. */
export async function publishedFixture(fixture: string, packages: [name: string, version: string][]): Promise<{ root: string; registry: Verdaccio }> {
  const registry = await Verdaccio.start();
  await Promise.all(packages.map(([name, version]) => registry.publish(name, version)));
  const root = copyFixture(fixture);
  fs.writeFileSync(path.join(root, '.npmrc'), `registry=${registry.url}\n`);
  return { root, registry };
}

export async function startRegistryWorkspace(fixture: string, packages: [name: string, version: string][]): Promise<RegistryWorkspace> {
  const { root, registry } = await publishedFixture(fixture, packages);
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
