/** Prints why a test was skipped, and any measurements tests note (the list reporter shows neither). */
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';

export default class Notes implements Reporter {
  onTestEnd(test: TestCase, result: TestResult): void {
    for (const { type, description } of test.annotations) {
      if (type === 'skip' && result.status === 'skipped') console.log(`  skipped: ${test.title} — ${description ?? 'no reason given'}`);
      else if (type !== 'skip' && description) console.log(`  ${type}: ${description}`);
    }
  }
}
