/** Steps on the Design tab, by the designer's labels and test ids. */
import { expect, type Page } from '@playwright/test';

export async function loadPreset(page: Page, preset: 'network.py' | 'seed' | 'modern' | 'perceptron'): Promise<void> {
  await page.getByTestId('tab-design').click();
  await page.getByTestId('preset-select').selectOption(preset);
  await expect(page.getByTestId('can-train')).toHaveText('Ready to train');
}

/** Fills a labelled number field (the designer's NumberField commits as you type). */
export async function setNumber(page: Page, label: string, value: number | string): Promise<void> {
  const field = page.getByLabel(label, { exact: true });
  await field.fill(String(value));
  await field.blur();
}

/** A small, quick subset: `train` training images and 500 test images. */
export async function useSubset(page: Page, train = 2000): Promise<void> {
  await setNumber(page, 'Train on first', train);
  await setNumber(page, 'Test on first', 500);
}
