/**
 * Measures how smooth the page is (issue 13 §2), from inside it: `installFrameMeter` is serialised
 * into the page by page.addInitScript (it must not reference anything outside itself), and the
 * helpers below read and summarise what it recorded.
 *   - frame intervals (requestAnimationFrame);
 *   - long tasks (PerformanceObserver 'longtask');
 *   - each chart redraw's parts (use-live-chart.ts's user-timing measures);
 *   - a click's delay: from the browser taking the pointer input to the first frame showing its effect;
 *   - how often a chart changed size while shown (each resize is a whole redraw of that chart,
 *     outside the redraw scheduler; four in one frame make a long task).
 *
 * Specs that measure frames must turn Playwright's trace off (`test.use({ trace: 'off' })`): the
 * trace's screencast has Chromium copy every composited frame out, which in software compositing
 * (headless, no GPU) takes ~30 ms a frame on the display compositor and caps the page near 30 fps
 * whatever the page does.
 */
type Page = import('@playwright/test').Page;

export interface FramePage {
  /** rAF frame intervals (ms) and long-task durations (ms) since the last __meterReset. */
  __frames: number[];
  __longTasks: number[];
  /** Each chart redraw part's time, by "<chart's test id> <part>". */
  __redraws: { chart: string; ms: number }[];
  /** Size changes of the charts' plots while shown (hiding and showing them again does not count). */
  __chartResizes: number;
  /** Starts the figures afresh, and watches the charts on the page now. */
  __meterReset(): void;
  /** Resolves with ms from the next pointerdown to the first frame where the selector is present (or visible). */
  __clickToEffect(selector: string, state: 'present' | 'visible'): Promise<number>;
}

export function installFrameMeter(): void {
  const g = globalThis as unknown as Record<string, unknown> & { requestAnimationFrame(cb: (t: number) => void): number };
  const frames: number[] = [];
  const longTasks: number[] = [];
  const redraws: { chart: string; ms: number }[] = [];
  g['__frames'] = frames;
  g['__longTasks'] = longTasks;
  g['__redraws'] = redraws;
  let sizes: ResizeObserver | null = null;
  g['__meterReset'] = () => {
    frames.length = 0;
    longTasks.length = 0;
    redraws.length = 0;
    g['__chartResizes'] = 0;
    sizes?.disconnect();
    const last = new Map<Element, string | null>();
    sizes = new ResizeObserver((entries) => {
      for (const { target, contentRect } of entries) {
        const size = contentRect.width > 0 && contentRect.height > 0 ? `${contentRect.width}x${contentRect.height}` : null;
        const before = last.get(target) ?? null;
        if (size !== null && before !== null && size !== before) g['__chartResizes'] = Number(g['__chartResizes']) + 1;
        last.set(target, size);
      }
    });
    document.querySelectorAll('figure[data-testid^="chart-"] .plot').forEach((plot) => sizes!.observe(plot));
  };
  let last = performance.now();
  const tick = (t: number): void => {
    frames.push(t - last);
    last = t;
    g.requestAnimationFrame(tick);
  };
  g.requestAnimationFrame(tick);
  new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e.duration))).observe({ type: 'longtask' });
  // The name is use-live-chart.ts's REDRAW_MEASURE (this function is serialised: it cannot import it).
  new PerformanceObserver((list) =>
    list
      .getEntries()
      .forEach(
        (e) => e.name === 'fathom-chart-redraw' && redraws.push({ chart: String((e as PerformanceMeasure).detail), ms: e.duration }),
      ),
  ).observe({ type: 'measure' });

  g['__clickToEffect'] = (selector: string, state: 'present' | 'visible') =>
    new Promise<number>((resolve) => {
      const holds = (): boolean => {
        const el = document.querySelector(selector);
        return state === 'present' ? el !== null : el instanceof HTMLElement && el.offsetParent !== null;
      };
      document.addEventListener(
        'pointerdown',
        (down) => {
          // timeStamp is when the browser took the input, so time spent queued behind a busy main thread counts.
          const poll = (): void => (holds() ? resolve(performance.now() - down.timeStamp) : void g.requestAnimationFrame(poll));
          g.requestAnimationFrame(poll);
        },
        { capture: true, once: true },
      );
    });
}

export const resetMeter = (page: Page): Promise<void> => page.evaluate(() => (globalThis as unknown as FramePage).__meterReset());

/** Clicks `testid` and returns ms until `effect` is present (or visible) in a drawn frame. */
export async function clickDelay(page: Page, testid: string, effect: string, state: 'present' | 'visible'): Promise<number> {
  return (await clickDelays(page, testid, { effect: [effect, state] }))['effect']!;
}

/** Clicks `testid` once and returns, for each named effect, ms until it is present (or visible) in a drawn frame. */
export async function clickDelays(
  page: Page,
  testid: string,
  effects: Record<string, readonly [string, 'present' | 'visible']>,
): Promise<Record<string, number>> {
  const waiting = Object.entries(effects).map(async ([name, effect]) => {
    const delay = await page.evaluate(([s, st]) => (globalThis as unknown as FramePage).__clickToEffect(s, st), effect);
    return [name, delay] as const;
  });
  // Each wait listens for the next pointerdown once its evaluate has run: make sure all have before clicking.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(done)));
  await page.getByTestId(testid).click();
  return Object.fromEntries(await Promise.all(waiting));
}

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
const ms = (x: number): string => `${x.toFixed(0)} ms`;

/** Each chart's redraw parts: how many, median, p95 and longest. */
function redrawFigures(redraws: { chart: string; ms: number }[]): string {
  const charts = [...new Set(redraws.map((r) => r.chart))];
  return charts
    .map((chart) => {
      const times = redraws.filter((r) => r.chart === chart).map((r) => r.ms);
      times.sort((a, b) => a - b);
      return `${chart.replace('chart-', '')} ${times.length}× ${quantile(times, 0.5).toFixed(1)} / ${quantile(times, 0.95).toFixed(1)} / ${ms(times.at(-1) ?? NaN)}`;
    })
    .join(', ');
}

export interface Smoothness {
  /** How many frames were drawn. */
  frames: number;
  /** How often a chart changed size while shown. */
  resizes: number;
  /** One line of figures: long tasks, frames, chart redraws and clicks. */
  figures: string;
}

/** What the meter recorded since its reset, with the click delays measured meanwhile. */
export async function smoothness(page: Page, clicks: Record<string, number>): Promise<Smoothness> {
  const { frames, longTasks, redraws, resizes } = await page.evaluate(() => {
    const p = globalThis as unknown as FramePage;
    return { frames: p.__frames.slice(2), longTasks: [...p.__longTasks], redraws: [...p.__redraws], resizes: p.__chartResizes };
  });
  const sorted = [...frames].sort((a, b) => a - b);
  const span = frames.reduce((s, f) => s + f, 0);
  const busy = longTasks.reduce((s, t) => s + t, 0);
  const longest = longTasks.length ? Math.max(...longTasks) : 0;
  const figures = [
    `over ${(span / 1000).toFixed(1)} s`,
    `long tasks ${longTasks.length} (longest ${ms(longest)}, ${longTasks.filter((t) => t > 100).length} over 100 ms, ${((100 * busy) / span).toFixed(0)} % of the time)`,
    `frames ${frames.length}: median ${quantile(sorted, 0.5).toFixed(1)} ms, p95 ${quantile(sorted, 0.95).toFixed(1)} ms, max ${ms(sorted.at(-1) ?? NaN)}`,
    `redraws (update / draw, median / p95 / max): ${redrawFigures(redraws)}`,
    `chart resizes ${resizes}`,
    ...(Object.keys(clicks).length
      ? [
          `clicks: ${Object.entries(clicks)
            .map(([what, delay]) => `${what} ${ms(delay)}`)
            .join(', ')}`,
        ]
      : []),
  ].join('; ');
  return { frames: frames.length, resizes, figures };
}
