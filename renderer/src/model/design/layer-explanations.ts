/**
 * What the explanation panel says about convolution, pooling, flattening, dropout and batch
 * normalisation, in the seed's notation extended to feature maps: a^l is a stack of maps indexed
 * (channel c, row i, column j), w^l holds one k × k kernel per (output channel, input channel).
 */
import type { Explanation } from './explanations';

export const LAYER_TOPICS = [
  'layer:conv',
  'layer:maxpool',
  'layer:dropout',
  'layer:batchnorm',
  'layer:flatten',
  'filters',
  'kernel',
  'stride',
  'padding',
] as const;
export type LayerTopic = (typeof LAYER_TOPICS)[number];

export const layerText: Record<LayerTopic, Explanation> = {
  'layer:conv': {
    title: 'Convolution',
    body: 'Each filter is a small k × k window of weights that slides over the image below it, one stride at a time. At every position it takes the weighted sum of the pixels it covers (over every input channel) plus its one bias: that number is zˡ at that position, and aˡ = σ(zˡ) as in a dense layer. The same weights are used at every position, so a filter finds its pattern wherever it appears, with far fewer weights than a dense layer. One filter gives one feature map; f filters give a stack of f maps. Going back, δˡ⁻¹ is δˡ spread back through the same windows: a full correlation of δˡ with the kernels turned by 180°, times σ′(zˡ⁻¹). The gradient of a kernel weight sums, over every position, the input pixel it touched times δ there.',
    formula: [
      'zˡ_{f,i,j} = Σ_c Σ_{p,q} wˡ_{f,c,p,q} · aˡ⁻¹_{c, s·i+p, s·j+q} + bˡ_f',
      'aˡ = σ(zˡ)',
      'δˡ⁻¹ = (δˡ ⋆full rot180(wˡ)) ⊙ σ′(zˡ⁻¹)',
      '∂C/∂wˡ_{f,c,p,q} = Σ_{i,j} aˡ⁻¹_{c, s·i+p, s·j+q} · δˡ_{f,i,j}',
      '∂C/∂bˡ_f = Σ_{i,j} δˡ_{f,i,j}',
    ],
  },
  'layer:maxpool': {
    title: 'Max pooling',
    body: 'Shrinks each feature map by keeping only the largest value of every size × size window (moved by the stride, usually the window’s size). It has no weights: it summarises where a filter fired strongly while forgetting exactly where, which makes the next layers less sensitive to small shifts. Backpropagation sends each window’s δ to the one input that was the maximum; the others get zero.',
    formula: [
      'aˡ_{c,i,j} = max_{p,q < size} aˡ⁻¹_{c, s·i+p, s·j+q}',
      'δˡ⁻¹ = δˡ at the arg max of each window, 0 elsewhere',
      'no parameters',
    ],
  },
  'layer:flatten': {
    title: 'Flatten',
    body: 'A dense layer needs a column of numbers, not a stack of maps, so the maps are laid end to end — channel by channel, row by row — before the weights multiply them. Nothing is learned here and nothing is lost; the drawing shows it between the last spatial layer and the first dense one.',
    formula: ['c × h × w → c·h·w', 'zˡ = wˡ · flatten(aˡ⁻¹) + bˡ'],
  },
  'layer:dropout': {
    title: 'Dropout',
    body: 'While training, each value coming through is set to zero with probability p (the rate), a fresh random choice for every image and step, and the survivors are scaled by 1/(1 − p) so the layer’s average output stays the same. Units cannot rely on any particular partner being present, which discourages co-adapted, overfitted features. When the network is evaluated or used, nothing is dropped. δ flows back only through the units that were kept.',
    formula: ['training: aˡ = mask ⊙ aˡ⁻¹ / (1 − p),  mask_j ~ Bernoulli(1 − p)', 'testing: aˡ = aˡ⁻¹', 'δˡ⁻¹ = mask ⊙ δˡ / (1 − p)'],
  },
  'layer:batchnorm': {
    title: 'Batch normalisation',
    body: 'Standardises each channel (each unit after a dense layer) over the mini-batch: subtract the batch mean μ, divide by the standard deviation, then scale by a learned γ and shift by a learned β. Every layer then sees inputs of a steady scale however the earlier weights move, which lets deep networks train with larger steps and keeps sigmoid units out of saturation. While training it also keeps running averages of μ and σ², which replace the batch statistics when the network is tested or used on a single image.',
    formula: ['x̂ = (aˡ⁻¹ − μ_B) / √(σ²_B + ε)', 'aˡ = γ · x̂ + β', 'inference: μ, σ² = the running averages'],
  },
  filters: {
    title: 'Filters (output channels)',
    body: 'How many different kernels the layer learns. Each one makes its own feature map, so the layer’s output has this many channels. More filters can detect more kinds of edge and stroke, at the cost of more weights and much more computation.',
    formula: ['wˡ : filters × channelsˡ⁻¹ × k × k', 'params = filters · (channelsˡ⁻¹ · k² + 1)'],
  },
  kernel: {
    title: 'Kernel size k',
    body: 'The side of the square window each filter looks through. 5 × 5 is Nielsen’s local receptive field; 3 × 3 is the modern habit (two 3 × 3 layers see as far as one 5 × 5 with fewer weights). With valid padding the kernel cannot be larger than the image it slides over.',
    formula: ['valid: out = ⌊(n − k) / s⌋ + 1', 'same: out = ⌈n / s⌉'],
  },
  stride: {
    title: 'Stride s',
    body: 'How many pixels the window moves between two positions. Stride 1 visits every position; stride 2 skips every other one and roughly halves the height and width. A stride larger than the window would step over pixels that no window ever sees, so it is refused.',
    formula: ['out = ⌊(n − k) / s⌋ + 1'],
  },
  padding: {
    title: 'Padding',
    body: '“valid” slides the window only where it fits inside the image, so each convolution shrinks the maps by k − 1 (28 → 24 for k = 5). “same” adds a border of zeros so that, at stride 1, the maps keep their height and width and the pixels at the edge are seen as often as the rest.',
    formula: ['valid: 28 × 28, k = 5 → 24 × 24', 'same: 28 × 28, k = 5 → 28 × 28 (2 zeros each side)'],
  },
};
