/**
 * What the explanation panel says about each choice: a short paragraph in our own words and the
 * formula behind it. Keys are topics: 'activation:sigmoid', 'loss:quadratic', 'batch', …
 * Over 300 lines because it is a table of texts, one entry per choice the designer offers.
 */
import type { ScalingKind } from '@core/data/scaling';
import type { ScheduleName } from '@core/engine/schedules';
import type { ActivationName, InitName, LossName, OptimizerName, StopRule } from '@core/engine/spec';
import { layerText, type LayerTopic } from './layer-explanations';
import { presetText } from './preset-explanations';
import type { PresetName } from './presets';

export type Topic =
  | `activation:${ActivationName}`
  | `loss:${LossName}`
  | `init:${InitName}`
  | `optimizer:${OptimizerName}`
  | `scaling:${ScalingKind}`
  | `stop:${StopRule['kind']}`
  | `schedule:${ScheduleName}`
  | `preset:${PresetName}`
  | 'warmup'
  | 'overview'
  | 'dataset'
  | 'notation'
  | 'inputSize'
  | 'units'
  | 'batch'
  | 'learningRate'
  | 'epochs'
  | 'momentum'
  | 'l2'
  | 'seed'
  | 'validation'
  | 'limits'
  | LayerTopic;

export interface Explanation {
  title: string;
  body: string;
  /** One formula per line, in plain Unicode. */
  formula: string[];
}

const activationText: Record<ActivationName, Explanation> = {
  linear: {
    title: 'Linear (identity)',
    body: 'Passes the weighted input z through unchanged. A stack of linear layers collapses into a single linear map, so it adds no power in hidden layers; it is useful on the output when the target is an unbounded number.',
    formula: ['a = z', 'a′ = 1'],
  },
  sigmoid: {
    title: 'Sigmoid',
    body: 'Squashes any z into (0, 1) along a smooth S. It behaves like a step that can be differentiated, which is what lets gradient descent nudge it. Far from zero the curve is flat and its slope tiny, so saturated neurons learn slowly.',
    formula: ['σ(z) = 1 / (1 + e⁻ᶻ)', 'σ′(z) = σ(z) · (1 − σ(z)) ≤ ¼'],
  },
  tanh: {
    title: 'tanh',
    body: 'The sigmoid’s shape stretched to (−1, 1) and centred on zero, so outputs are balanced around 0. The slope at zero is 1, four times the sigmoid’s, but it still flattens for large |z|.',
    formula: ['tanh(z) = (eᶻ − e⁻ᶻ) / (eᶻ + e⁻ᶻ)', 'tanh′(z) = 1 − tanh²(z)'],
  },
  relu: {
    title: 'ReLU (rectified linear unit)',
    body: 'Zero for negative z, z itself otherwise. Its slope is exactly 1 wherever the unit is active, so gradients pass through deep stacks without shrinking; a unit stuck at negative z gets no gradient at all (“dead”). Pair with He initialisation.',
    formula: ['a = max(0, z)', 'a′ = 1 if z > 0, else 0'],
  },
  'leaky-relu': {
    title: 'Leaky ReLU',
    body: 'ReLU with a small slope (0.01) for negative z instead of a flat zero, so a unit that drifts negative still receives a little gradient and can recover.',
    formula: ['a = z if z > 0, else 0.01·z', 'a′ = 1 if z > 0, else 0.01'],
  },
  softmax: {
    title: 'Softmax',
    body: 'Turns the whole output layer into a probability distribution: every output positive, all summing to 1, the largest z getting the largest share. Because each output depends on all the others it only makes sense on the output layer, paired with cross-entropy. The plot shows one output against a single rival fixed at z = 0.',
    formula: ['aⱼ = eᶻʲ / Σₖ eᶻᵏ', '∂aⱼ/∂zₖ = aⱼ(δⱼₖ − aₖ)'],
  },
  step: {
    title: 'Step (the perceptron’s rule)',
    body: 'Outputs 1 when z ≥ 0 and 0 otherwise — the original perceptron. Its slope is zero everywhere except at the jump, where it has none, so backpropagation receives no signal and no weight ever changes. Sigmoid is the smooth version that can be trained.',
    formula: ['a = 1 if z ≥ 0, else 0', 'a′ = 0  (undefined at z = 0)'],
  },
};

const lossText: Record<LossName, Explanation> = {
  quadratic: {
    title: 'Quadratic cost',
    body: 'Half the squared distance between the output vector a and the target y, the cost network.py uses. The half cancels the 2 of the derivative, leaving the plain error a − y. With sigmoid outputs learning slows when an output is confidently wrong, because σ′ is tiny there.',
    formula: ['C = ½ Σⱼ (aⱼ − yⱼ)²', '∂C/∂aⱼ = aⱼ − yⱼ'],
  },
  mse: {
    title: 'Mean squared error',
    body: 'The average of the squared errors over the n outputs. Squaring makes large errors count much more than small ones.',
    formula: ['C = (1/n) Σⱼ (aⱼ − yⱼ)²', '∂C/∂aⱼ = 2(aⱼ − yⱼ) / n'],
  },
  sse: {
    title: 'Sum of squared errors',
    body: 'The squared errors added up rather than averaged: the same minimum as MSE, with gradients n times larger, which acts like a larger learning rate.',
    formula: ['C = Σⱼ (aⱼ − yⱼ)²', '∂C/∂aⱼ = 2(aⱼ − yⱼ)'],
  },
  mae: {
    title: 'Mean absolute error',
    body: 'The average size of the errors, ignoring their sign. Outliers pull less than with squared errors, but the gradient has the same size however close the output is, so it does not slow down near the answer.',
    formula: ['C = (1/n) Σⱼ |aⱼ − yⱼ|', '∂C/∂aⱼ = sign(aⱼ − yⱼ) / n'],
  },
  sae: {
    title: 'Sum of absolute errors',
    body: 'Absolute errors added up: MAE without the division by the number of outputs.',
    formula: ['C = Σⱼ |aⱼ − yⱼ|', '∂C/∂aⱼ = sign(aⱼ − yⱼ)'],
  },
  mape: {
    title: 'Mean absolute percentage error',
    body: 'Each error as a percentage of its target, averaged. Handy when targets have very different scales; impossible when a target is 0, which is why it cannot be used with one-hot class labels.',
    formula: ['C = (100/n) Σⱼ |(yⱼ − aⱼ) / yⱼ|', '∂C/∂aⱼ = 100 · sign(aⱼ − yⱼ) / (n·|yⱼ|)'],
  },
  msle: {
    title: 'Mean squared logarithmic error',
    body: 'Squared error between ln(1 + a) and ln(1 + y): it cares about ratios more than differences, so being off by 10 on a target of 1,000 is cheap. Outputs must stay above −1.',
    formula: ['C = (1/n) Σⱼ (ln(1 + aⱼ) − ln(1 + yⱼ))²', '∂C/∂aⱼ = 2(ln(1 + aⱼ) − ln(1 + yⱼ)) / (n(1 + aⱼ))'],
  },
  'log-cosh': {
    title: 'Log-cosh',
    body: 'Behaves like half the squared error for small errors and like the absolute error for large ones: smooth near the answer, calm about outliers.',
    formula: ['C = (1/n) Σⱼ ln cosh(aⱼ − yⱼ)', '∂C/∂aⱼ = tanh(aⱼ − yⱼ) / n'],
  },
  'binary-cross-entropy': {
    title: 'Binary cross-entropy',
    body: 'Treats every output as the probability of its own yes/no question and charges −ln of the probability given to the right answer. Paired with sigmoid outputs the σ′ cancels out, so δᴸ = a − y and a confidently wrong neuron learns fast.',
    formula: ['C = −Σⱼ [yⱼ ln aⱼ + (1 − yⱼ) ln(1 − aⱼ)]', '∂C/∂aⱼ = (aⱼ − yⱼ) / (aⱼ(1 − aⱼ))'],
  },
  'cross-entropy': {
    title: 'Cross-entropy (categorical)',
    body: 'Compares the output distribution with the target distribution; with one-hot labels it is simply −ln of the probability the network gave the correct class. With softmax outputs the gradient with respect to z collapses to a − y.',
    formula: ['C = −Σⱼ yⱼ ln aⱼ', '∂C/∂aⱼ = −yⱼ / aⱼ', 'softmax output: δᴸ = aᴸ − y'],
  },
  'kl-divergence': {
    title: 'Kullback–Leibler divergence',
    body: 'How much information is lost when the output distribution a stands in for the target y. It differs from cross-entropy only by a constant that depends on y, so both train the same way.',
    formula: ['C = Σⱼ yⱼ ln(yⱼ / aⱼ)', '∂C/∂aⱼ = −yⱼ / aⱼ'],
  },
  'cosine-proximity': {
    title: 'Cosine proximity',
    body: 'Measures the angle between the output and target vectors and ignores their lengths: −1 when they point the same way, +1 when opposite. Useful when only the direction of the output matters.',
    formula: ['C = −(a · y) / (‖a‖ ‖y‖)', '∂C/∂a = −y / (‖a‖‖y‖) + (a · y) a / (‖a‖³‖y‖)'],
  },
};

const initText: Record<InitName, Explanation> = {
  normal: {
    title: 'Standard normal N(0, 1)',
    body: 'Every weight and bias drawn from a normal distribution with mean 0 and standard deviation 1, as network.py does. With 784 inputs the weighted sum z then has a standard deviation near 28, so sigmoid neurons start out saturated and learn slowly.',
    formula: ['wⱼₖ ~ N(0, 1)', 'bⱼ ~ N(0, 1)'],
  },
  'scaled-normal': {
    title: 'Scaled normal N(0, 1/nᵢₙ)',
    body: 'Nielsen’s improvement: shrink the spread by the square root of the number of inputs, so z starts with a standard deviation of about 1 and the neurons start in the sensitive part of their curve.',
    formula: ['w ~ N(0, 1/nᵢₙ)', 'b ~ N(0, 1)'],
  },
  xavier: {
    title: 'Xavier / Glorot',
    body: 'Balances the spread for the forward pass and the backward pass at once by averaging fan-in and fan-out. A good match for tanh and sigmoid. Biases start at zero.',
    formula: ['w ~ N(0, 2 / (nᵢₙ + nₒᵤₜ))', 'b = 0'],
  },
  he: {
    title: 'He',
    body: 'ReLU silences about half its inputs, so He doubles the variance of the scaled normal to keep the signal’s size steady through many ReLU layers. Biases start at zero.',
    formula: ['w ~ N(0, 2/nᵢₙ)', 'b = 0'],
  },
};

const optimizerText: Record<OptimizerName, Explanation> = {
  sgd: {
    title: 'Gradient descent',
    body: 'After each batch, move every weight a small step downhill: against the gradient of the cost averaged over the batch, scaled by the learning rate η.',
    formula: ['w ← w − η · ∂C/∂w', 'b ← b − η · ∂C/∂b'],
  },
  momentum: {
    title: 'Gradient descent with momentum',
    body: 'Keeps a velocity that accumulates past steps, like a ball rolling downhill. Consistent directions speed up, zig-zags cancel out. μ sets how much velocity survives each step (0.9 keeps 90 %).',
    formula: ['v ← μ·v − η · ∂C/∂w', 'w ← w + v'],
  },
  adam: {
    title: 'Adam',
    body: 'Keeps running averages of each weight’s gradient (m) and squared gradient (v) and divides one by the root of the other, so every weight gets its own step size. Works well with small learning rates such as 0.001.',
    formula: ['m ← β₁m + (1 − β₁)g', 'v ← β₂v + (1 − β₂)g²', 'w ← w − η · m̂ / (√v̂ + ε)'],
  },
};

const scalingText: Record<ScalingKind, Explanation> = {
  none: {
    title: 'No scaling',
    body: 'The raw grey levels 0–255 go straight in. Such large inputs give large z, which saturates sigmoid neurons and makes gradients vanish; useful mainly to see why scaling matters.',
    formula: ['x′ = x'],
  },
  'min-max': {
    title: 'Min-max to [0, 1]',
    body: 'Shift and stretch so the smallest value seen in training becomes 0 and the largest 1. For MNIST this divides every pixel by 255. The statistics come from the training images only.',
    formula: ['x′ = (x − min) / (max − min)'],
  },
  'min-max-symmetric': {
    title: 'Min-max to [−1, 1]',
    body: 'Like min-max, then stretched to [−1, 1] so the inputs are centred on zero, which suits tanh layers.',
    formula: ['x′ = 2 · (x − min) / (max − min) − 1'],
  },
  'z-score': {
    title: 'Z-score (standardisation)',
    body: 'Subtract the mean and divide by the standard deviation measured on the training set, so inputs have mean 0 and spread 1. Outliers stay visible instead of squeezing everything else.',
    formula: ['x′ = (x − μ) / s'],
  },
  'unit-norm': {
    title: 'Unit L2 norm',
    body: 'Divide each image by its own length, so every sample becomes a vector of length 1. Only the pattern counts, not how much ink there is. Needs no statistics from the training set.',
    formula: ['x′ = x / ‖x‖₂,   ‖x‖₂ = √(Σᵢ xᵢ²)'],
  },
};

const stopText: Record<StopRule['kind'], Explanation> = {
  epochs: {
    title: 'Fixed number of epochs',
    body: 'Train for exactly the number of epochs set above, as network.py does, whatever happens to the loss.',
    formula: ['stop when epoch = E'],
  },
  'loss-plateau': {
    title: 'Stop on a loss plateau',
    body: 'Stop when one more epoch improves the training loss by less than the threshold (relative to the previous epoch): further epochs would cost time for little gain.',
    formula: ['stop when (Cₑ₋₁ − Cₑ) / Cₑ₋₁ < threshold'],
  },
  'early-stopping': {
    title: 'Early stopping',
    body: 'Watch accuracy on held-out validation images and stop after it has failed to improve for “patience” epochs. Past that point the network is memorising the training set (overfitting) rather than learning the digits.',
    formula: ['stop when epochs since the best ≥ p'],
  },
};

const scheduleText: Record<ScheduleName, Explanation> = {
  constant: {
    title: 'A constant learning rate',
    body: 'η stays where you set it for the whole run, as in network.py. You can still change it by hand while the run trains.',
    formula: ['ηₜ = η'],
  },
  step: {
    title: 'Step decay',
    body: 'Big steps while the network is far from a good valley, then smaller ones to settle into it: η is multiplied by γ every N epochs. The loss often drops visibly right after each cut.',
    formula: ['η(e) = η · γ^⌊(e − 1) / N⌋'],
  },
  exponential: {
    title: 'Exponential decay',
    body: 'A gentler version of step decay: η shrinks by the factor γ after every epoch (γ = 0.9 halves it in about 7 epochs).',
    formula: ['η(e) = η · γ^(e − 1)'],
  },
  cosine: {
    title: 'Cosine annealing',
    body: 'η glides from its starting value down to the floor along half a cosine wave, changing a little every batch: long at high η while exploring, long at low η while settling. Needs no decay factor, only the number of epochs.',
    formula: ['η(t) = η_min + ½ (η − η_min)(1 + cos(π t / T))', 't, T: batches done and in the run'],
  },
  plateau: {
    title: 'Reduce on plateau',
    body: 'Watches the validation loss (the training loss when no validation set is held out) and multiplies η by γ once it has not improved for “patience” epochs. It reacts to the run instead of following a plan.',
    formula: ['η ← γ · η after p epochs without a new best loss'],
  },
};

const general: Record<
  Exclude<Topic, `${'activation' | 'loss' | 'init' | 'optimizer' | 'scaling' | 'stop' | 'schedule' | 'preset'}:${string}` | LayerTopic>,
  Explanation
> = {
  overview: {
    title: 'Designing a network',
    body: 'Choose a dataset, stack layers between its inputs and its classes, then pick how the network measures its error (the loss) and how it descends that error (optimiser, batch size, learning rate). Select any control to read what it does here. Problems appear next to the control that causes them.',
    formula: ['zˡ = wˡ aˡ⁻¹ + bˡ', 'aˡ = σ(zˡ)'],
  },
  dataset: {
    title: 'The dataset',
    body: 'The images the network learns from and is tested on. Each image is flattened into one long column of grey levels, which is why the input layer has one unit per pixel; the output layer has one unit per class, and the target for a digit is a one-hot vector.',
    formula: ['28 × 28 pixels → x ∈ ℝ⁷⁸⁴', 'label 3 → y = (0,0,0,1,0,0,0,0,0,0)'],
  },
  notation: {
    title: 'Layer shapes',
    body: 'Layers are numbered from 1, the input layer. Layer l has a weight matrix wˡ with one row per unit of l and one column per unit of l − 1, and one bias per unit. Its parameter count is rows × columns + rows.',
    formula: ['wˡ : nˡ × nˡ⁻¹,   bˡ : nˡ', 'params(l) = nˡ·nˡ⁻¹ + nˡ'],
  },
  inputSize: {
    title: 'Input layer',
    body: 'Layer 1 does no computing: it holds the pixels of one image. Its size is fixed by the data — 784 for a 28 × 28 MNIST digit.',
    formula: ['a¹ = x'],
  },
  units: {
    title: 'Units in a layer',
    body: 'How many neurons the layer has. More units can represent more patterns but add parameters to fit and time to train. The output layer needs exactly one unit per class.',
    formula: ['zˡⱼ = Σₖ wˡⱼₖ aˡ⁻¹ₖ + bˡⱼ'],
  },
  batch: {
    title: 'Batch size and the kind of descent',
    body: 'How many training images (m) are averaged into each gradient step, out of n in the training set. One image per step is stochastic descent: cheap, noisy steps. The whole training set per step is batch descent: exact but slow, one update per epoch. Anything between is mini-batch descent, the usual compromise.',
    formula: ['∂C/∂w ≈ (1/m) Σₓ ∂Cₓ/∂w', 'updates per epoch = ⌈n / m⌉'],
  },
  learningRate: {
    title: 'Learning rate η',
    body: 'The size of each step downhill. Too small and training crawls; too large and it overshoots the valley and the loss bounces or explodes. SGD on quadratic cost likes η ≈ 3; Adam likes η ≈ 0.001.',
    formula: ['Δw = −η · ∂C/∂w'],
  },
  warmup: {
    title: 'Warm-up',
    body: 'Start with a tiny η and raise it in a straight line to the full value over the first epochs. Early gradients of a freshly initialised network can be large and erratic; small first steps keep them from throwing the weights far off before the schedule proper begins.',
    formula: ['η(t) = η · (t + 1) / W   for the first W batches'],
  },
  epochs: {
    title: 'Epochs',
    body: 'One epoch is one pass over every training sample, shuffled anew each time. The loss usually falls fast in the first few epochs and then levels off; on data held out of training it may start to rise again (overfitting).',
    formula: ['steps = epochs × ⌈n / m⌉'],
  },
  momentum: {
    title: 'Momentum μ',
    body: 'The fraction of the previous step carried into the next. 0 is plain gradient descent; 0.9 lets the velocity build up about ten steps’ worth.',
    formula: ['u ← μ·u + ∂C/∂w,   w ← w − η·u', '(v = −η·u: v ← μ·v − η · ∂C/∂w while η is constant)'],
  },
  l2: {
    title: 'L2 regularisation λ',
    body: 'Adds a penalty for large weights, so every step also shrinks each weight a little towards zero (weight decay). Smaller weights mean a smoother function that overfits less. Biases are not penalised.',
    formula: ['C = C₀ + (λ/2) Σ w²', '∂C/∂w = ∂C₀/∂w + λw'],
  },
  seed: {
    title: 'Random seed',
    body: 'Fixes the random numbers used for the initial weights and the shuffling. The same seed and design give the same run, so you can change one thing and compare fairly.',
    formula: [],
  },
  validation: {
    title: 'Validation set',
    body: 'Holds the last 10,000 training images aside. The network never trains on them, so their accuracy shows how well it generalises while you are still tuning — without peeking at the test set. Early stopping needs it.',
    formula: ['60,000 = 50,000 train + 10,000 validation'],
  },
  limits: {
    title: 'Training on fewer images',
    body: 'Use only the first N images for quick experiments: an epoch over 1,000 images takes a fraction of a second, enough to see whether a design learns at all. Small training sets also make overfitting easy to see.',
    formula: [],
  },
};

export function explain(topic: Topic): Explanation {
  const [kind, name] = topic.split(':') as [string, string | undefined];
  if (name !== undefined) {
    const table: Record<string, Record<string, Explanation>> = {
      activation: activationText,
      loss: lossText,
      init: initText,
      optimizer: optimizerText,
      scaling: scalingText,
      stop: stopText,
      schedule: scheduleText,
      preset: presetText,
    };
    const found = table[kind]?.[name];
    if (found) return found;
  }
  if (topic in layerText) return layerText[topic as LayerTopic];
  return general[topic as keyof typeof general] ?? general.overview;
}
