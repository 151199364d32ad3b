/**
 * npm run bench:sweep [-- --rounds 2 --steps 100 --evaln 50 --jobs 2]
 * Times `npm run sweep` on a 12-run grid (--beta 0.05,0.1,0.5 --seeds 0,1,2,3) one run at a time
 * and with --jobs N, alternately (1, N, then N, 1, ...: a machine that slows down or speeds up
 * during the measurement weighs on both alike), each a fresh process as a user runs it, and checks
 * that both wrote the same numbers (results.csv without the run ids and wall times). Prints each
 * wall time with the CPU time the sweep used (Linux: its process tree's, from /proc), the ratio,
 * the CPU the rest of the machine used meanwhile (from /proc/stat) and the load average before
 * and after: a sweep one run at a time that got less than a whole core, or other processes busy,
 * says the measurement was disturbed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFlags, runCli, usage, type FlagSpec } from './args';

const FLAGS = {
  rounds: { kind: 'int', default: 2, min: 1, max: 20, help: 'times each of the two is measured' },
  steps: { kind: 'int', default: 100, min: 1, max: 10_000, help: 'steps per run' },
  evaln: { kind: 'int', default: 50, min: 1, max: 1000, help: 'held-out scenes per evaluation (at the start and the end of each run)' },
  jobs: { kind: 'int', default: 2, min: 2, max: 48, help: 'the parallel sweep’s --jobs' },
} satisfies Record<string, FlagSpec>;

/** CPU seconds of this process's finished children (Linux: cutime + cstime in /proc/self/stat), or undefined elsewhere. */
function childrenCpuSeconds(): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  const fields = readFileSync('/proc/self/stat', 'utf8')
    .replace(/^.*\) /s, '')
    .split(' ');
  // After "pid (comm) ": state is field 3, so cutime (16) and cstime (17) are at 13 and 14; clock ticks of 1/100 s.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** CPU seconds every process of the machine has used so far (Linux: /proc/stat, all but idle and iowait), or undefined elsewhere. */
function machineCpuSeconds(): number | undefined {
  if (!existsSync('/proc/stat')) return undefined;
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / 100;
}

/** results.csv without the run ids and the wall times: what must not depend on --jobs. */
function numbers(out: string): string {
  const [header, ...lines] = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n');
  const names = header!.split(',');
  const split = (line: string) => line.match(/("[^"]*"|[^,]*)(,|$)/g)!.map((f) => f.replace(/,$/, ''));
  const kept = (row: string[]) => row.filter((_, i) => names[i] !== 'id' && names[i] !== 'seconds').join(',');
  return [names, ...lines.map(split)].map(kept).join('\n');
}

await runCli('bench:sweep', FLAGS, () => {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  if (flags.help) return Promise.resolve(void console.log(usage('bench:sweep', FLAGS)));
  const grid = [
    '--beta',
    '0.05,0.1,0.5',
    '--seeds',
    '0,1,2,3',
    '--steps',
    String(flags.steps),
    '--evalevery',
    '0',
    '--evaln',
    String(flags.evaln),
  ];
  const dir = mkdtempSync(join(tmpdir(), 'bench-sweep-'));
  const tsx = join('node_modules', '.bin', 'tsx');
  console.log(`npm run sweep -- ${grid.join(' ')} [--jobs ${flags.jobs}]`);
  console.log(
    `${availableParallelism()} cores; load average before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const times: Record<number, number[]> = { 1: [], [flags.jobs]: [] };
  let same = true;
  for (let round = 0; round < flags.rounds; round++) {
    const order = round % 2 === 0 ? [1, flags.jobs] : [flags.jobs, 1];
    const outs: Record<number, string> = {};
    for (const jobs of order) {
      const out = join(dir, `r${round}-j${jobs}`);
      const cpuBefore = childrenCpuSeconds();
      const machineBefore = machineCpuSeconds();
      const started = performance.now();
      const result = spawnSync(tsx, ['src/cli/sweep.ts', ...grid, '--jobs', String(jobs), '--out', out], { encoding: 'utf8' });
      const seconds = (performance.now() - started) / 1000;
      const cpuAfter = childrenCpuSeconds();
      const machineAfter = machineCpuSeconds();
      if (result.status !== 0) throw new Error(`the sweep with --jobs ${jobs} failed:\n${result.stderr}`);
      times[jobs]!.push(seconds);
      outs[jobs] = out;
      const cpu = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
      const used = cpu === undefined ? '' : `, CPU ${cpu.toFixed(1)} s (${(cpu / seconds).toFixed(2)} cores busy on average)`;
      // What the rest of the machine used meanwhile: near 0 on a quiet machine.
      const others =
        cpu === undefined || machineBefore === undefined || machineAfter === undefined
          ? ''
          : `; other processes: ${Math.max(0, (machineAfter - machineBefore - cpu) / seconds).toFixed(2)} cores`;
      console.log(`round ${round + 1}: --jobs ${jobs}: ${seconds.toFixed(1)} s${used}${others}`);
    }
    if (numbers(outs[1]!) !== numbers(outs[flags.jobs]!)) same = false;
  }
  rmSync(dir, { recursive: true, force: true });
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const one = mean(times[1]!);
  const many = mean(times[flags.jobs]!);
  console.log(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `mean: --jobs 1 ${one.toFixed(1)} s, --jobs ${flags.jobs} ${many.toFixed(1)} s: ${(many / one).toFixed(2)}x the sequential time`,
  );
  console.log(same ? 'results.csv: the same numbers in every round' : 'results.csv DIFFERS between --jobs 1 and the parallel sweep');
  if (!same) process.exitCode = 1;
  return Promise.resolve();
});
