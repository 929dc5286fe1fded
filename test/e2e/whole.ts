/** Text a person must be able to read whole: neither cut nor shortened with an ellipsis. */
import { expect, type Locator } from '@playwright/test';

export async function expectWhole(locator: Locator): Promise<void> {
  for (const el of await locator.all()) {
    const cut = await el.evaluate((e) => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1);
    expect(cut, (await el.textContent()) ?? '').toBe(false);
  }
}
