/** README.md of the PyTorch project: what is in the folder, how to run it, and what differs from Fathom. Pure. */
import { layerActivation, layerToken, type NetworkSpec } from '../../../engine/spec';
import type { PytorchConfig } from './config';

/** "784 → 30 sigmoid → 10 sigmoid", "28x28x1 → conv5x5x20 relu → maxpool2 → 100 relu → 10 softmax". */
function layersText(network: NetworkSpec): string {
  const s = network.inputShape;
  const input = s ? `${s.height}x${s.width}x${s.channels}` : String(network.inputSize);
  const layers = network.layers.map((layer) => [layerToken(layer), layerActivation(layer)].filter(Boolean).join(' '));
  return [input, ...layers].join(' → ');
}

export function projectReadme(config: PytorchConfig, name: string, appVersion: string): string {
  const { network, training } = config;
  const shape = layersText(network);
  const weights = config.weights
    ? `- \`${config.weights}\`: the weights after epoch ${config.epochsDone} in Fathom, the starting point of train.py (\`--fresh\` starts from a new initialisation instead).`
    : '- no weights: train.py starts from a new initialisation.';
  const data = config.data
    ? `It reads the IDX files Fathom used (config.json "data"); \`--data DIR\` reads files of the same names (raw or .gz) from DIR instead, and \`--data\` also takes a CSV file or a folder of class folders of PNGs (see data.py).`
    : 'Fathom did not record the data files of this model: give `--data` a CSV file (`--test-data` for its test set) or a folder of class folders of PNGs (train/ and test/ inside bring their own split), as Fathom imports them (see data.py).';
  return `# ${name}: a Fathom network as a PyTorch project

${shape}; ${network.loss} loss; ${training.optimizer}, η = ${training.learningRate}, batch ${training.batchSize}, L2 λ = ${training.l2}, ${training.epochs} epochs planned. Written by Fathom ${appVersion}.

- \`model.py\`: the network as an \`nn.Module\` in Nielsen's notation (parameters W2, b2, W3…, as Fathom shows them), its initialisation, and safetensors reading and writing (no extra package).
- \`train.py\`: trains as Fathom does: the same loss (the mean of the per-sample cost), optimiser, η schedule, batch size, L2 (the cost gains (λ/2)·Σw² over the weights; the biases are not decayed), stopping rule, input scaling (with the statistics Fathom fitted, config.json "scaling") and data split.
- \`data.py\`: reads the data as Fathom imports it (IDX, CSV, folders of PNGs) and scales it with the statistics Fathom fitted; rows become N×C×H×W for a network that takes images.
- \`config.json\`: the run's settings, read by train.py.
${weights}

## Run it

Needs Python 3, PyTorch and NumPy (Debian: \`apt install python3-torch python3-numpy\`).

\`\`\`sh
python3 train.py                       # the epochs left of the plan (or all of them), on the GPU when there is one
python3 train.py --epochs 1 --device cpu
python3 train.py --data rows.csv --test-data test.csv
python3 train.py --evaluate            # the included weights on the test split, no training
torchrun --nproc_per_node 4 train.py   # data-parallel over 4 processes (gloo on CPU, NCCL on GPUs)
\`\`\`

${data} Each line on stdout is one JSON object, as Fathom's \`--json\`: \`started\`, one \`epoch\` per epoch (\`epoch\`, \`trainLoss\`, \`trainAccuracy\`, \`testLoss\`, \`testAccuracy\`, with validation figures when the run held a validation split), \`finished\`, \`saved\`. The trained weights go to \`trained.safetensors\` (\`--out FILE\`), which Fathom can load into the same design.

Under \`torchrun\` each process takes its share of every batch (the batches are the same as on one process), and DistributedDataParallel averages the gradients, so a step still follows the mean cost of the whole batch. Batch normalisation there normalises each process's share of the batch (not the whole batch, as one process does), and DistributedDataParallel copies rank 0's running statistics to the others at every step; dropout draws its masks from PyTorch's generator.

## What differs from Fathom

- Random numbers: PyTorch's generator, seeded with the run's seed, not Fathom's: a fresh initialisation and the shuffling differ from Fathom's, so the numbers agree in distribution, not digit for digit.
- The optimiser's state (momentum, Adam's running means) is not carried over from Fathom; it starts afresh, as a resumed run does in Fathom.
- Float32 arithmetic in another order: results agree to float32 rounding, not bit for bit.
`;
}
