/** Raised when the benchmark is asked for something it cannot do (bad flag, failed measurement). */
export class BenchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchError';
  }
}
