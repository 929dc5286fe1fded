/**
 * Coalesces redraw requests: however many progress events arrive, a chart's callback runs at most
 * once every `minInterval` ms (2–3 times a second). Charts share one queue of animation frames
 * and each frame runs ONE chart's redraw: four charts redrawing in one frame made one long task
 * (100–500 ms on a busy machine); one per frame keeps every frame short, and the charts fed by one
 * event still redraw within a few frames of each other (they wait for the same tick of the shared
 * clock, so their epoch axes disagree for at most those frames). A callback may return a second
 * part of its work (a chart's drawing, after its update): that runs in the very next frame, before
 * any other chart's turn.
 */
export interface Scheduler {
  request(): void;
  cancel(): void;
}

const queue: (() => void)[] = [];
let frame: number | null = null;

function drain(): void {
  frame = null;
  queue.shift()?.();
  // ??=: the job may have queued its second part and asked for the frame already.
  if (queue.length > 0) frame ??= requestAnimationFrame(drain);
}

function enqueue(job: () => void): void {
  if (!queue.includes(job)) queue.push(job);
  frame ??= requestAnimationFrame(drain);
}

function dequeue(job: () => void): void {
  const at = queue.indexOf(job);
  if (at >= 0) queue.splice(at, 1);
}

function enqueueFirst(job: () => void): void {
  dequeue(job);
  queue.unshift(job);
  frame ??= requestAnimationFrame(drain);
}

/** `callback` may return its second part (a function); anything else it returns is ignored. */
export function createScheduler(callback: () => unknown, minInterval = 400): Scheduler {
  let queued = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = -Infinity;
  let rest: (() => void) | null = null;

  const finish = (): void => {
    const job = rest;
    rest = null;
    job?.();
  };
  const run = (): void => {
    queued = false;
    last = performance.now();
    const next = callback();
    if (typeof next === 'function') {
      rest = next as () => void;
      enqueueFirst(finish);
    }
  };
  const schedule = (): void => {
    timer = null;
    queued = true;
    enqueue(run);
  };

  return {
    request() {
      if (queued || timer !== null) return;
      const now = performance.now();
      // Waits for the next multiple of minInterval on the shared clock, so the charts fed by one
      // event are queued together and redraw in consecutive frames.
      const wait = now - last < minInterval ? minInterval - (now % minInterval) : 0;
      if (wait > 0) timer = setTimeout(schedule, wait);
      else schedule();
    },
    cancel() {
      dequeue(run);
      dequeue(finish);
      rest = null;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      queued = false;
    },
  };
}
