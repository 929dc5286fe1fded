/**
 * Successive halving (Jamieson & Talwalkar, 2016), the early stopping of a sweep's poor runs: every
 * candidate trains a few epochs; the better half (by its score so far: the best validation accuracy)
 * goes on to twice as many epochs; and so on, until one is left to train the full budget. Most
 * candidates so cost a few epochs, not the whole run. A candidate that ranks low early can be
 * dropped although it would have won late (a small η, say): the price of the saving.
 */

export interface HalvingRound {
  /** Epochs each survivor has trained by the end of this round (counted from the start, not added). */
  epochs: number;
  /** How many candidates train in this round. */
  candidates: number;
}

/**
 * The rounds for `candidates` candidates and `maxEpochs` for the last one: each round halves the
 * candidates (rounding up) and doubles the epochs, and the last round trains one survivor (or the
 * few the halving leaves) to `maxEpochs`. A round whose epochs would equal the previous round's is
 * left out: that round's cut is made at once with the next (a short budget halves several times at once).
 */
export function halvingRounds(candidates: number, maxEpochs: number): HalvingRound[] {
  if (!(Number.isInteger(candidates) && candidates >= 1)) throw new RangeError('successive halving needs at least one candidate');
  if (!(Number.isInteger(maxEpochs) && maxEpochs >= 1)) throw new RangeError('successive halving needs at least one epoch');
  const counts = [candidates];
  while (counts.at(-1)! > 1) counts.push(Math.ceil(counts.at(-1)! / 2));
  const last = counts.length - 1;
  const rounds: HalvingRound[] = [];
  counts.forEach((n, r) => {
    const epochs = Math.max(1, Math.round(maxEpochs / 2 ** (last - r)));
    if (rounds.at(-1)?.epochs !== epochs) rounds.push({ epochs, candidates: n });
  });
  return rounds;
}

export interface HalvingOutcome<T> {
  candidate: T;
  /** Its score when it stopped (null: none, e.g. it diverged). */
  score: number | null;
  /** Epochs it trained. */
  epochs: number;
  /** The round it was dropped after (1-based), or undefined for the survivors of the last round. */
  droppedAfter?: number;
}

/**
 * Runs successive halving: `train(candidate, epochs)` trains the candidate on to `epochs` epochs in
 * all and returns its score so far (higher is better; null when it has none, which ranks last). The
 * outcomes come back in the candidates' order.
 */
export async function successiveHalving<T>(
  candidates: readonly T[],
  maxEpochs: number,
  train: (candidate: T, epochs: number) => Promise<number | null> | number | null,
): Promise<HalvingOutcome<T>[]> {
  const outcomes = candidates.map((candidate) => ({ candidate, score: null, epochs: 0 }) as HalvingOutcome<T>);
  let alive = outcomes.map((_, i) => i);
  const rounds = halvingRounds(candidates.length, maxEpochs);
  for (const [r, round] of rounds.entries()) {
    for (const i of alive) {
      const outcome = outcomes[i]!;
      outcome.score = await train(outcome.candidate, round.epochs);
      outcome.epochs = round.epochs;
    }
    const next = rounds[r + 1];
    if (!next) break;
    // The better ones go on; a tie keeps the earlier candidate (a stable sort).
    const ranked = [...alive].sort((a, b) => (outcomes[b]!.score ?? -Infinity) - (outcomes[a]!.score ?? -Infinity));
    for (const i of ranked.slice(next.candidates)) outcomes[i]!.droppedAfter = r + 1;
    alive = ranked.slice(0, next.candidates).sort((a, b) => a - b);
  }
  return outcomes;
}
