/**
 * Files main was handed from outside the page (dropped on the window) and offers for import. The
 * page is told only their names and an id; importDataset({ sourceId }) takes the paths back here,
 * once. So the page still never names a path: an id it did not get from main is refused.
 */
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import type { ImportKind, ImportSourceEvent } from '../../lab/contract';
import { LabError } from '../errors';

/** Offers kept at once; the oldest is forgotten first (a person drops one source, then imports it). */
const MAX_OFFERS = 8;

export class ImportOffers {
  private readonly offers = new Map<string, { paths: string[]; kind: ImportKind }>();

  offer(paths: readonly string[], kind: ImportKind): ImportSourceEvent {
    if (paths.length === 0) throw new RangeError('an import offer needs at least one path');
    const sourceId = `source-${randomBytes(6).toString('hex')}`;
    while (this.offers.size >= MAX_OFFERS) this.offers.delete(this.offers.keys().next().value!);
    this.offers.set(sourceId, { paths: [...paths], kind });
    return { type: 'import-source', sourceId, kind, names: paths.map((path) => basename(path)) };
  }

  /** The offered paths, forgotten once taken; a LabError for an id main never gave or a kind it was not offered as. */
  take(sourceId: string, kind: ImportKind): string[] {
    const offer = this.offers.get(sourceId);
    if (!offer) throw new LabError('not-found', 'Those files are no longer offered for import: drop them on the window again.');
    if (kind !== 'auto' && offer.kind !== 'auto' && kind !== offer.kind)
      throw new LabError('invalid', `Those files were offered as ${offer.kind}, not ${kind}: import them as ${offer.kind}.`);
    this.offers.delete(sourceId);
    return offer.paths;
  }
}
