/** Waiting on the control block: poll a little first, since Atomics.wait's wake-up costs tens of µs. */

/**
 * Returns once control[slot] ≠ value (true), or false after `timeoutMs` of sleeping without a
 * change. Polls `spin` times before each sleep.
 */
export function waitWhileEquals(control: Int32Array, slot: number, value: number, spin: number, timeoutMs = Infinity): boolean {
  for (let i = 0; i < spin; i++) if (Atomics.load(control, slot) !== value) return true;
  for (;;) {
    if (Atomics.wait(control, slot, value, timeoutMs) !== 'timed-out') {
      if (Atomics.load(control, slot) !== value) return true;
    } else return Atomics.load(control, slot) !== value;
  }
}
