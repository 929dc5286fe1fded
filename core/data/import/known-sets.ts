/**
 * Well-known IDX sets recognised by their training labels, so an import of Fashion-MNIST's files
 * shows "Ankle boot" rather than "9" everywhere. The labels (not the gzipped files) are hashed:
 * the same set compressed differently, or not at all, is still recognised.
 */
import { createHash } from 'node:crypto';

export interface KnownSet {
  name: string;
  classes: string[];
}

/** SHA-256 of the training labels (the label bytes after the IDX header) → the set. */
const KNOWN_BY_TRAIN_LABELS = new Map<string, KnownSet>([
  [
    '657fbd221bfc9f4198cc14b5619cc33ec57c58dd0e47af4d99d6650759e869a7',
    {
      name: 'Fashion-MNIST',
      // Zalando's names, in label order (github.com/zalandoresearch/fashion-mnist).
      classes: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    },
  ],
]);

/** The known set whose training labels these are, if any. */
export function knownIdxSet(trainLabels: Uint8Array): KnownSet | undefined {
  const digest = createHash('sha256').update(trainLabels).digest('hex');
  const known = KNOWN_BY_TRAIN_LABELS.get(digest);
  return known && { name: known.name, classes: [...known.classes] };
}
