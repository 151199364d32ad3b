import { spawnSync } from 'node:child_process';

/** Run one of the project's CLIs the way a user does (through tsx), capturing everything. */
export function runCli(script: 'pretrain' | 'eval' | 'bench' | 'train' | 'sweep', args: string[], timeoutMs = 300_000) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', `src/cli/${script}.ts`, ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
