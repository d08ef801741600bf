/** `groundcheck check [paths…]`: the CI gate. Exit codes: 0 clean, 1 findings, 2 error. */
import { runCli } from '../cli/main';

runCli(process.argv.slice(2), { cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr }).then((code) => {
  process.exitCode = code;
});
