/** Raised when a network spec or training settings cannot work; the message says why. */
export class SpecError extends Error {
  constructor(
    message: string,
    /** Where the problem is: 'layers[2].activation', 'loss', 'batchSize'… */
    readonly field: string,
  ) {
    super(message);
    this.name = 'SpecError';
  }
}

/** Raised when arrays handed to the engine do not have the shapes the network expects. */
export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}
