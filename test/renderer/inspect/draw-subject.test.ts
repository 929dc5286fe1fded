/** The Draw view is offered for any model reading 28 × 28 grey images, and named for its classes. */
import { describe, expect, it } from 'vitest';
import { drawSubject } from '@renderer/model/inspect/draw-subject';

const digits = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const fashion = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

describe('drawSubject', () => {
  it('offers a digit for MNIST-like sets', () => {
    expect(drawSubject({ name: 'MNIST handwritten digits', inputShape: [28, 28], classes: digits })).toEqual({
      available: true,
      reason: null,
      title: 'Draw a digit',
      preparedTitle: 'Prepared like MNIST',
      caption: 'Your drawing, prepared like MNIST',
    });
  });

  it('offers an image, prepared by MNIST’s recipe, for other 28 × 28 sets', () => {
    const subject = drawSubject({ name: 'Fashion-MNIST', inputShape: [28, 28], classes: fashion });
    expect(subject).toMatchObject({ available: true, title: 'Draw an image', preparedTitle: "Prepared for the model (MNIST's recipe)" });
    expect(subject.caption).not.toMatch(/MNIST/);
  });

  it('is not offered, with the reason, for other input shapes', () => {
    const subject = drawSubject({ name: 'rent', inputShape: [3], classes: ['rent'] });
    expect(subject.available).toBe(false);
    expect(subject.reason).toBe('The pad draws 28 × 28 grey images; this model reads 3 inputs (rent).');
  });
});
