/**
 * Target profiles for the dataset list (core/engine/target-profile.ts), computed once per
 * dataset from the very targets a run's start is checked against (DatasetService.trainTargets),
 * so the designer's inline warning and the service's refusal cannot disagree. Library datasets
 * carry theirs in the manifest (core/data/library/target-profile.ts); this is for the built-in
 * MNIST and for a library dataset whose manifest has none because its data cannot be read.
 */
import { profileTargets } from '../../engine/target-profile';
import type { TargetProfile } from '../../engine/target-profile';
import type { DatasetInfo } from '../../lab/contract';

export class TargetProfiles {
  /** By dataset id: a library dataset's data never changes under its id (a re-import gets a new one). */
  private readonly cache = new Map<string, Promise<TargetProfile | undefined>>();

  constructor(private readonly trainTargets: (datasetId: string) => Promise<Float32Array>) {}

  /** `info` with its profile; without one when the targets cannot be read (the list still shows the dataset). */
  async attach(info: DatasetInfo): Promise<DatasetInfo> {
    let pending = this.cache.get(info.id);
    if (!pending) {
      const width = info.classes.length;
      pending = this.trainTargets(info.id).then(
        (targets) => profileTargets(targets, width),
        () => undefined,
      );
      this.cache.set(info.id, pending);
    }
    const targets = await pending;
    if (targets === undefined) this.cache.delete(info.id);
    return targets ? { ...info, targets } : info;
  }

  forget(datasetId: string): void {
    this.cache.delete(datasetId);
  }
}
