/** Every reason a design cannot train yet, each tied to the field it is about. */
import type { DatasetInfo } from '@core/lab/contract';
import { lossTargetProblem } from '@core/engine/losses';
import { profileTargetProblem } from '@core/engine/target-profile';
import { dataProblems, specProblems, trainingProblems, type Problem } from '@core/engine/validate';
import { trainingSizeProblems } from '@core/model/limits';
import { isDense } from '@core/engine/spec';
import { specForDataset } from './layers';
import { VALIDATION_SIZE, type Design } from './types';

export type { Problem };

export const inputCount = (dataset: DatasetInfo): number => dataset.inputShape.reduce((n, d) => n * d, 1);

/** Training images the validation switch takes away: MNIST's last 10,000; an imported dataset brings its own validation split. */
const heldOut = (dataset: DatasetInfo): number => (dataset.sizes.validation === undefined ? VALIDATION_SIZE : 0);

/** Images the training split will really hold: the validation set and the limit taken off. */
export function trainingSize(design: Design, dataset: DatasetInfo | undefined): number | undefined {
  if (!dataset) return undefined;
  const available = dataset.sizes.train - (design.validation ? heldOut(dataset) : 0);
  return design.trainLimit === undefined ? available : Math.min(available, design.trainLimit);
}

function limitProblem(field: 'trainLimit' | 'testLimit', value: number | undefined): Problem[] {
  if (value === undefined || (Number.isInteger(value) && value >= 1)) return [];
  return [{ field, message: `The limit must be a whole number of images, at least 1; got ${value}.` }];
}

function designProblemsOnly(design: Design, dataset: DatasetInfo | undefined, datasetsLoaded: boolean): Problem[] {
  const problems: Problem[] = [];
  if (datasetsLoaded && !dataset)
    problems.push({ field: 'datasetId', message: `There is no dataset "${design.datasetId}"; choose one from the list.` });
  if (design.settings.stop.kind === 'early-stopping' && !design.validation)
    problems.push({
      field: 'stop',
      message: 'Early stopping watches accuracy on a validation set: tick “Hold out 10,000 images” under Validation.',
    });
  if (dataset && design.validation && dataset.sizes.validation === 0)
    problems.push({ field: 'validation', message: `${dataset.name} was imported without a validation split: untick Validation.` });
  if (dataset && design.validation && dataset.sizes.validation === undefined && dataset.sizes.train <= VALIDATION_SIZE)
    problems.push({
      field: 'validation',
      message: `${dataset.name} has only ${dataset.sizes.train} training images, too few to hold out ${VALIDATION_SIZE}.`,
    });
  problems.push(...limitProblem('trainLimit', design.trainLimit), ...limitProblem('testLimit', design.testLimit));
  return problems;
}

/**
 * The loss against the dataset's targets, as the service will check them when Train is pressed.
 * A dataset listed without a profile (its targets could not be read) is checked as one-hot labels
 * if it has classes; a regression table then waits for Train.
 */
function targetProblem(design: Design, dataset: DatasetInfo): string | null {
  if (dataset.targets) return profileTargetProblem(design.spec.loss, dataset.targets, design.trainLimit);
  return dataset.kind === 'classification' ? lossTargetProblem(design.spec.loss, Float32Array.of(1, 0)) : null;
}

/** specProblems + trainingProblems + the parameter bound (trainingSizeProblems; the machine's memory is checked by the service) + dataProblems (against the dataset's shape) + the data choices. */
export function designProblems(design: Design, dataset: DatasetInfo | undefined, datasetsLoaded: boolean): Problem[] {
  const { settings } = design;
  const spec = specForDataset(design.spec, dataset);
  const problems = [...specProblems(spec), ...trainingProblems(spec, settings), ...trainingSizeProblems(spec, settings)];
  if (dataset) {
    const classes = dataset.kind === 'classification' ? dataset.classes.length : undefined;
    problems.push(...dataProblems(spec, inputCount(dataset), classes ?? outputUnits(spec)));
    const why = targetProblem(design, dataset);
    if (why) problems.push({ field: 'loss', message: why });
  }
  problems.push(...designProblemsOnly(design, dataset, datasetsLoaded));
  return problems;
}

function outputUnits(spec: Design['spec']): number {
  const last = spec.layers.at(-1);
  return last && isDense(last) ? last.units : 0;
}

/** Problems grouped by field, for showing each next to its control. */
export function byField(problems: Problem[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const p of problems) map.set(p.field, [...(map.get(p.field) ?? []), p.message]);
  return map;
}
