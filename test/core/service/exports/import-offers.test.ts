import { describe, expect, it } from 'vitest';
import { ImportOffers } from '@core/service/exports/import-offers';

describe('ImportOffers', () => {
  it('tells the page names only, and gives the paths back once for the id it made', () => {
    const offers = new ImportOffers();
    const event = offers.offer(['/data/digits/train.csv'], 'csv');
    expect(event).toEqual({ type: 'import-source', sourceId: event.sourceId, kind: 'csv', names: ['train.csv'] });
    expect(JSON.stringify(event)).not.toContain('/data');
    expect(offers.take(event.sourceId, 'csv')).toEqual(['/data/digits/train.csv']);
    expect(() => offers.take(event.sourceId, 'csv')).toThrow(/no longer offered/);
  });

  it('refuses an id it never gave (a forged source) and a kind it was not offered as', () => {
    const offers = new ImportOffers();
    expect(() => offers.take('source-000000000000', 'idx')).toThrow(/no longer offered/);
    const { sourceId } = offers.offer(['/data/images'], 'image-folder');
    expect(() => offers.take(sourceId, 'csv')).toThrow('Those files were offered as image-folder, not csv');
    expect(offers.take(sourceId, 'auto')).toEqual(['/data/images']);
  });

  it('keeps the last eight offers', () => {
    const offers = new ImportOffers();
    const ids = Array.from({ length: 9 }, (_, i) => offers.offer([`/d/${i}.csv`], 'csv').sourceId);
    expect(() => offers.take(ids[0]!, 'csv')).toThrow(/no longer offered/);
    expect(offers.take(ids[8]!, 'csv')).toEqual(['/d/8.csv']);
  });
});
