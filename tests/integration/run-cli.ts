import { spawnSync } from 'node:child_process';

/**
 * Run one of the project's CLIs exactly as the README prints it (`npm run SCRIPT -- ARGS`), so
 * npm's pre/post hooks and argument passing are part of what is tested. `--silent` only drops
 * npm's own banner lines from stdout.
 */
export function runCli(
  script: 'sft' | 'eval' | 'bench' | 'train' | 'sweep' | 'golden' | 'export-trl' | 'lesson',
  args: string[],
  timeoutMs = 300_000,
) {
  const result = spawnSync('npm', ['run', '--silent', script, '--', ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return {
    code: result.status,
    stdout: result.stdout,
    stderr: result.stderr
      .split('\n')
      .filter((l) => !l.startsWith('npm warn'))
      .join('\n'),
  };
}
