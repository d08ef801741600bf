/** Copies a fixture into a temp dir so a test can add an .npmrc pointing at its own registry. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures');

export function copyFixture(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gc-${name.replace(/[\\/]/g, "-")}-`));
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return fs.realpathSync(dir);
}

/** An environment with no user or global npm configuration and a scratch home and cache. */
export function isolatedEnv(root: string): NodeJS.ProcessEnv {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-home-'));
  const empty = path.join(home, 'empty-npmrc');
  fs.writeFileSync(empty, '');
  return {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CACHE_HOME: path.join(home, 'cache'),
    npm_config_userconfig: empty,
    npm_config_globalconfig: empty,
    PIP_CONFIG_FILE: '/dev/null', // no machine pip.conf: the tests say which index to use
    GROUNDCHECK_TEST_ROOT: root,
  };
}
