/** What every importer returns: checked, unscaled data in memory, not yet split or stored. Pure types. */
import type { SourceFile } from './read';

export const IMPORT_FORMATS = ['idx', 'csv', 'image-folder'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export type DatasetKind = 'classification' | 'regression';

/** Samples as read: raw values, one row per sample. */
export interface RawPart {
  count: number;
  /** count × product(inputShape), row-major: grey levels 0..255 as Uint8, anything else as Float32. */
  inputs: Uint8Array | Float32Array;
  /** Class index of each sample (classification). */
  labels?: Int32Array;
  /** count × targetCount, row-major (regression). */
  targets?: Float32Array;
}

export interface ImportedData {
  format: ImportFormat;
  kind: DatasetKind;
  /** [rows, cols] for images, [columns] for tables. */
  inputShape: number[];
  /** Class names, index = label (classification); target column names (regression). */
  classes: string[];
  /** Names of a table's input columns; absent for images. */
  features?: string[];
  /** `test` only when the files themselves hold a separate test set. */
  parts: { train: RawPart; test?: RawPart };
  /** Every file read, with its SHA-256. */
  files: SourceFile[];
  /** Things the person should know: detected header, shape guessed, images resized, files ignored… */
  notes: string[];
}

/** Number of input values per sample. */
export function inputWidth(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
