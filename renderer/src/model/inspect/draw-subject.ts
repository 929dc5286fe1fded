/**
 * What the Draw view offers for a model: the pad makes a 28 × 28 grey image prepared as MNIST's
 * digits were (fit in 20 × 20, centred by mass), so it is offered for any model that reads 28 × 28
 * grey images, named for what its classes are (digits for 0–9, otherwise an image of its dataset).
 */
export interface DrawSubject {
  available: boolean;
  /** Why the pad is not offered (when not available). */
  reason: string | null;
  /** The tab's and panel's title: 'Draw a digit' or 'Draw an image'. */
  title: string;
  /** The panel showing the preparation steps, and the drawing's caption in the activations view. */
  preparedTitle: string;
  caption: string;
}

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export function drawSubject(dataset: { name: string; inputShape: number[]; classes: string[] } | null): DrawSubject {
  const digits = !dataset || (dataset.classes.length === 10 && dataset.classes.every((c, i) => c === DIGITS[i]));
  const title = digits ? 'Draw a digit' : 'Draw an image';
  // The pad's recipe is MNIST's (fit in 20 × 20, centre by mass): for other sets say so rather than name them.
  const preparedTitle = digits ? 'Prepared like MNIST' : "Prepared for the model (MNIST's recipe)";
  const caption = digits ? 'Your drawing, prepared like MNIST' : 'Your drawing, prepared for the model';
  const shape = dataset?.inputShape ?? [];
  if (dataset && !(shape.length === 2 && shape[0] === 28 && shape[1] === 28))
    return {
      available: false,
      reason: `The pad draws 28 × 28 grey images; this model reads ${shape.join(' × ')} inputs (${dataset.name}).`,
      title,
      preparedTitle,
      caption,
    };
  return { available: true, reason: null, title, preparedTitle, caption };
}
