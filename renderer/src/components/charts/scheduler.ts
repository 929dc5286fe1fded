/**
 * Coalesces redraw requests: however many progress events arrive, the callback runs at most once
 * per animation frame and at most once every `minInterval` ms (a few times a second).
 */
export interface Scheduler {
  request(): void;
  cancel(): void;
}

export function createScheduler(callback: () => void, minInterval = 250): Scheduler {
  let frame: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = -Infinity;

  const run = (): void => {
    frame = null;
    last = performance.now();
    callback();
  };
  const schedule = (): void => {
    timer = null;
    frame ??= requestAnimationFrame(run);
  };

  return {
    request() {
      if (frame !== null || timer !== null) return;
      const now = performance.now();
      // Waits for the next multiple of minInterval on the shared clock, so the charts fed by one
      // event redraw in the same frame (their epoch axes never disagree for a moment).
      const wait = now - last < minInterval ? minInterval - (now % minInterval) : 0;
      if (wait > 0) timer = setTimeout(schedule, wait);
      else schedule();
    },
    cancel() {
      if (frame !== null) cancelAnimationFrame(frame);
      if (timer !== null) clearTimeout(timer);
      frame = timer = null;
    },
  };
}
