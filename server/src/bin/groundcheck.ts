/** `groundcheck check [paths…]`: the CI gate. Exit codes: 0 clean, 1 findings, 2 error. */
import { runCli } from '../cli/main';

runCli(process.argv.slice(2), { cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr }).then((code) => {
  // The report is written: exit now rather than wait for keep-alive sockets and cache timers to
  // wind down (seconds in CI). Exiting from the write callbacks lets piped output drain first.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
});
