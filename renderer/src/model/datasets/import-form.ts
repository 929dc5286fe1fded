/**
 * The import panel's options as typed (text fields), checked and turned into the request's hints.
 * Pure, so the rules are tested without a window: shares in [0, 0.9] that leave training samples
 * (sum < 1), an integer seed, and for image folders a resize size of whole pixels.
 */
import type { ImportDatasetRequest, ImportKind } from '@core/lab/contract';
import { decimal } from '../format';

/** How to import, as the window asks: no path (the main process asks for the files). */
export type ImportOptions = Omit<ImportDatasetRequest, 'importId' | 'kind'>;

export const MAX_SHARE = 0.9;
const MAX_SIDE = 1024;
const MAX_SEED = 2 ** 31 - 1;

export interface ImportForm {
  /** Class names of IDX labels, comma-separated. */
  classes: string;
  /** CSV regression target columns, comma-separated. */
  targets: string;
  /** CSV classification label column; empty = detected. */
  label: string;
  header: 'detect' | 'yes' | 'no';
  /** Shares held out where the files bring no split, as typed. */
  validation: string;
  test: string;
  seed: string;
  /** Image folders: resize to width × height; both empty = no resize. */
  width: string;
  height: string;
}

export type ImportFormField = 'validation' | 'test' | 'seed' | 'size';
export type ImportFormProblems = Partial<Record<ImportFormField, string>>;

export const defaultImportForm = (): ImportForm => ({
  classes: '',
  targets: '',
  label: '',
  header: 'detect',
  validation: '0.1',
  test: '0.2',
  seed: '1',
  width: '',
  height: '',
});

const list = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
const numberOf = (text: string): number => (text.trim() === '' ? NaN : Number(text));

/** The specific message for every field that is wrong; empty when the form can be sent. */
export function importFormProblems(form: ImportForm, kind?: ImportKind): ImportFormProblems {
  const problems: ImportFormProblems = {};
  const validation = numberOf(form.validation);
  const test = numberOf(form.test);
  for (const [field, value] of [
    ['validation', validation],
    ['test', test],
  ] as const) {
    if (!Number.isFinite(value) || value < 0 || value > MAX_SHARE)
      problems[field] = `The ${field} share must be a number from 0 to ${MAX_SHARE}.`;
  }
  if (!problems.validation && !problems.test && validation + test >= 1)
    problems.test = `Validation and test together must be below 1 (now ${decimal(validation + test, 4)}).`;
  const seed = numberOf(form.seed);
  if (!Number.isInteger(seed) || Math.abs(seed) > MAX_SEED) problems.seed = 'The seed must be a whole number.';
  if (kind === undefined || kind === 'image-folder') {
    const sides = [form.width, form.height].map((s) => s.trim());
    if (sides.some((s) => s !== '')) {
      const ok = sides.every((s) => /^\d+$/.test(s) && Number(s) >= 1 && Number(s) <= MAX_SIDE);
      if (!ok) problems.size = `The resize needs a width and a height from 1 to ${MAX_SIDE} pixels, or neither.`;
    }
  }
  return problems;
}

/** The request's options for `kind`; call only when importFormProblems(form, kind) is empty. */
export function importOptionsOf(form: ImportForm, kind: ImportKind): ImportOptions {
  const options: ImportOptions = { validation: Number(form.validation), test: Number(form.test), seed: Number(form.seed) };
  if (kind === 'idx') {
    const classes = list(form.classes);
    if (classes.length > 0) options.classes = classes;
  }
  if (kind === 'csv') {
    const targets = list(form.targets);
    if (targets.length > 0) options.targets = targets;
    else if (form.label.trim() !== '') options.label = form.label.trim();
    if (form.header !== 'detect') options.header = form.header === 'yes';
  }
  if (kind === 'image-folder' && form.width.trim() !== '') options.size = { width: Number(form.width), height: Number(form.height) };
  return options;
}
