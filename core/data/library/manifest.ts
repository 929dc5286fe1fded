/**
 * The on-disk description of one library dataset, `<id>/manifest.json`: what it is, where it
 * came from (file names and SHA-256), how it was split, and the binary arrays that hold it.
 * Checked with zod whenever it is read back.
 */
import { z } from 'zod';
import { DataError } from '../errors';
import { IMPORT_FORMATS } from '../import/imported';
import type { DatasetKind, ImportFormat } from '../import/imported';
import type { SourceFile } from '../import/read';
import type { TargetProfile } from '../../engine/target-profile';
import { checkStoredProfile } from './target-profile';

export const DATASET_FORMAT = 'fathom-dataset';
export const DATASET_VERSION = 1;
export const MANIFEST = 'manifest.json';

export const ARRAY_TYPES = ['uint8', 'uint16', 'float32'] as const;
export type ArrayType = (typeof ARRAY_TYPES)[number];

/** A little-endian binary file of `dtype` values, row-major, `shape[0]` rows. */
export interface ArrayFile {
  file: string;
  dtype: ArrayType;
  shape: number[];
}

export interface StoredSplit {
  count: number;
  inputs: ArrayFile;
  /** Class indices (classification). */
  labels?: ArrayFile;
  /** count × targets (regression). */
  targets?: ArrayFile;
}

/** What the library lists: everything about a dataset but where its arrays are. */
export interface DatasetEntry {
  id: string;
  name: string;
  kind: DatasetKind;
  /** [rows, cols] for images, [columns] for tables. */
  inputShape: number[];
  /** Class names (classification) or target column names (regression). */
  classes: string[];
  /** A table's input column names. */
  features?: string[];
  sizes: { train: number; validation: number; test: number };
  source: {
    format: ImportFormat;
    /** The path the person imported from. */
    path: string;
    files: SourceFile[];
  };
  /** SHA-256 over the source files' names and SHA-256s: the same files give the same fingerprint. */
  fingerprint: string;
  /** SHA-256 over the stored arrays: the exact samples, split included, a model was trained on. */
  dataSha256: string;
  /** How the samples were split; `testFromFiles` when the files brought their own test set. */
  split: { seed: number; validation: number; test: number; testFromFiles: boolean };
  notes: string[];
  /** ISO 8601. */
  createdAt: string;
  /** The training targets' profile, so listing needs no sample data; absent in manifests written before it. */
  targets?: TargetProfile;
}

export interface DatasetManifest extends DatasetEntry {
  format: typeof DATASET_FORMAT;
  version: typeof DATASET_VERSION;
  arrays: { train: StoredSplit; validation?: StoredSplit; test: StoredSplit };
}

const count = z.number().int().min(0);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const arrayFile = z.object({
  file: z.string().regex(/^[a-z0-9-]+\.bin$/),
  dtype: z.enum(ARRAY_TYPES),
  shape: z.array(z.number().int().min(1)).min(1),
});
const storedSplit = z.object({ count, inputs: arrayFile, labels: arrayFile.optional(), targets: arrayFile.optional() });

const manifestSchema = z.object({
  format: z.literal(DATASET_FORMAT),
  version: z.literal(DATASET_VERSION),
  id: z.string().min(1),
  name: z.string().min(1),
  kind: z.enum(['classification', 'regression']),
  inputShape: z.array(z.number().int().min(1)).min(1),
  classes: z.array(z.string()).min(1),
  features: z.array(z.string()).optional(),
  sizes: z.object({ train: count, validation: count, test: count }),
  source: z.object({
    format: z.enum(IMPORT_FORMATS),
    path: z.string(),
    files: z.array(z.object({ name: z.string().min(1), sha256, bytes: count })),
  }),
  fingerprint: sha256,
  dataSha256: sha256,
  split: z.object({
    seed: z.number().int(),
    validation: z.number().min(0).max(1),
    test: z.number().min(0).max(1),
    testFromFiles: z.boolean(),
  }),
  notes: z.array(z.string()),
  createdAt: z.string(),
  // Checked on its own (checkStoredProfile): a bad profile is derived data, recomputed, not fatal.
  targets: z.unknown().optional(),
  arrays: z.object({ train: storedSplit, validation: storedSplit.optional(), test: storedSplit }),
}) satisfies z.ZodType<Omit<DatasetManifest, 'targets'> & { targets?: unknown }>;

/**
 * Parses a manifest read from disk, or throws a 'damaged' DataError naming the folder. A target
 * profile that is malformed or disagrees with the manifest is left out and `onBadProfile` told why.
 */
export function parseManifest(text: string, where: string, onBadProfile?: (problem: string) => void): DatasetManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DataError('damaged', where, `expected ${MANIFEST} to hold JSON, found: ${(err as Error).message}`);
  }
  const result = manifestSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!; // a failed parse has at least one issue
    const at = issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new DataError('damaged', where, `expected a valid ${MANIFEST}, found a problem${at}: ${issue.message}`);
  }
  const { targets, ...rest } = result.data;
  const manifest: DatasetManifest = rest;
  if (targets !== undefined) {
    const checked = checkStoredProfile(targets, rest);
    if ('profile' in checked) manifest.targets = checked.profile;
    else onBadProfile?.(checked.problem);
  }
  return manifest;
}

/** The entry without the array listing (what `list()` hands out). */
export function entryOf(manifest: DatasetManifest): DatasetEntry {
  const { format: _format, version: _version, arrays: _arrays, ...entry } = manifest;
  return structuredClone(entry);
}
