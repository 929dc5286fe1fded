/**
 * What the explanation panel says right after a preset loads: what the network is, where it comes
 * from and what to watch when it trains. One entry per preset (presets.ts).
 */
import type { Explanation } from './explanations';
import type { PresetName } from './presets';

export const presetText: Record<PresetName, Explanation> = {
  'network.py': {
    title: 'Nielsen’s network.py',
    body: 'The network of chapter 1 of Nielsen’s book: 784 input pixels, 30 sigmoid neurons, 10 outputs, one per digit. Plain stochastic gradient descent on the quadratic cost, 10 images per step, η = 3. Expect about 95 % test accuracy after the first epochs.',
    formula: ['a^l = σ(w^l a^(l−1) + b^l)', 'w → w − (η/m) Σₓ ∂Cₓ/∂w'],
  },
  seed: {
    title: 'The article’s 784-100-40-10',
    body: 'Two hidden sigmoid layers instead of one, trained like network.py. Deeper is not automatically better here: with sigmoid and the quadratic cost the first layer learns more slowly than the last (compare the gradient norms per layer in Train).',
    formula: ['δ^l = ((w^(l+1))ᵀ δ^(l+1)) ⊙ σ′(z^l)'],
  },
  modern: {
    title: 'A modern network',
    body: 'The same shape as network.py with today’s defaults: ReLU hidden units with He initialisation, a softmax output with cross-entropy, and Adam. It learns faster per epoch and reaches about 97–98 %.',
    formula: ['a = max(0, z)', 'C = −Σⱼ yⱼ ln aⱼ'],
  },
  perceptron: {
    title: 'Single-layer perceptron',
    body: 'Ten step neurons, one per digit: each outputs 1 when w·x + b ≥ 0. That is Rosenblatt’s perceptron, and it cannot learn by gradient descent: the step’s slope is zero, so the cost does not change when a weight moves a little, and ∂C/∂w = 0. The panel under the drawing shows it, and switches to the same network with sigmoid, which trains.',
    formula: ['a = 1 if w·x + b ≥ 0, else 0', 'a′(z) = 0  ⇒  δ = ∂C/∂w = 0'],
  },
  'chapter-6': {
    title: 'Nielsen’s chapter-6 CNN',
    body: 'A convolutional network from the last chapter of the book: 20 feature maps from 5 × 5 kernels shared across the image, max-pooling by 2, then 100 ReLU units and a softmax output. Sharing the kernels means far fewer weights than a dense layer, and it passes 98 % on MNIST within an epoch or two.',
    formula: ['a^l = ReLU(w^l ∗ a^(l−1) + b^l)', 'pool: max over each 2 × 2 window'],
  },
  convnetjs: {
    title: 'ConvNetJS’s MNIST network',
    body: 'The network of Karpathy’s in-browser demo: two “same” convolutions of 8 and 16 filters, each followed by max-pooling, straight into a softmax. Small and quick, with only about 5,000 parameters in its convolutions.',
    formula: ['same padding: output size = input size'],
  },
  'modern-cnn': {
    title: 'A small modern CNN',
    body: 'Two blocks of 3 × 3 convolution, batch normalisation and pooling, then dropout around a dense layer of 128. BatchNorm keeps each layer’s inputs centred so training stays stable; dropout keeps the dense layer from memorising. Expect about 99 % on MNIST.',
    formula: ['BN: ẑ = (z − μ_B) / √(σ²_B + ε),  y = γẑ + β'],
  },
};
