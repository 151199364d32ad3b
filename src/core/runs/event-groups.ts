/**
 * A run's events as a person reads them: consecutive steps that report the same thing ("step 131:
 * every prompt's samples tied ...", "step 132: ...") become one line ("steps 131-150 (20 steps):
 * ..."), so a long stretch without pairs does not push every other event out of view.
 */
const STEP_EVENT = /^step (\d+): (.*)$/s;

export function groupEvents(events: readonly string[]): string[] {
  const lines: string[] = [];
  let run: { first: number; last: number; text: string } | undefined;
  const close = () => {
    if (!run) return;
    const count = run.last - run.first + 1;
    lines.push(count === 1 ? `step ${run.first}: ${run.text}` : `steps ${run.first}-${run.last} (${count} steps): ${run.text}`);
    run = undefined;
  };
  for (const event of events) {
    const match = STEP_EVENT.exec(event);
    const step = match ? Number(match[1]) : NaN;
    if (match && run && run.text === match[2] && step === run.last + 1) {
      run.last = step;
      continue;
    }
    close();
    if (match) run = { first: step, last: step, text: match[2]! };
    else lines.push(event);
  }
  close();
  return lines;
}
