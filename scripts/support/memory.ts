/** A running process's resident memory as Linux reports it (/proc/<pid>/status), for the benchmarks. */
import * as fs from 'fs';

/** Current (VmRSS) and peak (VmHWM) resident set size, in MB. */
export function rssMb(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}
