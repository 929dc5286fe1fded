/**
 * A 2-D convolution in Nielsen's notation, with channels. Layer l has F filters (feature maps), each
 * a kernel w^l_f of C × k × k weights (C = channels of layer l − 1) and a bias b^l_f:
 *
 *   z^l_{f,y,x} = b^l_f + Σ_{c,i,j} w^l_{f,c,i,j} · a^{l−1}_{c, y·s+i−p, x·s+j−p}     a^l = σ(z^l)
 *
 * (a correlation, as in every library; p is the zero padding). Backprop:
 *   δ^l = ∂C/∂z^l (the layer above's ∂C/∂a^l ⊙ σ'(z^l));
 *   ∂C/∂b^l_f = Σ_{y,x} δ^l_{f,y,x};
 *   ∂C/∂w^l_{f,c,i,j} = Σ_{y,x} δ^l_{f,y,x} · a^{l−1}_{c, y·s+i−p, x·s+j−p} — a correlation of the input with δ^l;
 *   ∂C/∂a^{l−1} = the full correlation of δ^l with the kernels flipped by 180° (each input value
 *   collects δ from every output whose window covered it, weighted by the weight that touched it).
 *
 * The sums are computed as matrix products by lowering (im2col): each output position's window
 * becomes one row of `cols` (C·k·k values, the same order as a kernel's weights, OIHW), so
 *   zᵀ = cols · wᵀ + b,   ∂C/∂w = δᵀ · cols,   ∂C/∂cols = δ · w,
 * and the kernels' products do the work; col2im adds ∂C/∂cols back onto the input positions,
 * which is exactly the flipped-kernel full correlation above. The kernels run the whole pass
 * (convForward, convBackward): the js kernels lower the batch position by position as written
 * here; the wasm kernels lower each sample channel-major (cols_r is C·k·k × P, so z_r = w·cols_r
 * comes out in CHW order), in wasm memory, one call per pass.
 */
import type { FloatArray } from '../activations';
import type { ActivationName } from '../spec';
import { windowGeometry, type LayerShape, type WindowGeometry } from '../shapes';
import type { ConvScratch, ConvShape } from '../kernels';
import type { BackwardPass, ForwardPass, LayerContext, LayerOp } from './types';

export class ConvLayer implements LayerOp {
  readonly geometry: WindowGeometry;
  /** Output positions per channel (P = height · width of the output). */
  private readonly positions: number;
  /** Weights per filter: C·k·k. */
  readonly fanIn: number;
  /** The layer as the kernels' convForward and convBackward take it. */
  private readonly conv: ConvShape;
  private readonly scratch = new Map<number, ConvScratch>();

  constructor(
    readonly input: LayerShape,
    readonly output: LayerShape,
    readonly kernel: number,
    readonly stride: number,
    padding: 'valid' | 'same',
    readonly activation: ActivationName,
    private readonly context: LayerContext,
  ) {
    this.geometry = windowGeometry(input.height, input.width, kernel, stride, padding);
    this.positions = output.height * output.width;
    this.fanIn = input.channels * kernel * kernel;
    const { channels, height, width } = input;
    const { padTop, padLeft } = this.geometry;
    const [outHeight, outWidth, filters] = [output.height, output.width, output.channels];
    this.conv = { channels, height, width, outHeight, outWidth, size: kernel, stride, padTop, padLeft, filters, activation };
  }

  private buffers(rows: number): ConvScratch {
    let s = this.scratch.get(rows);
    if (!s) {
      const alloc = (n: number): FloatArray => this.context.alloc(n);
      s = { cols: alloc(rows * this.positions * this.fanIn), alloc, extra: {}, sparse: false };
      this.scratch.set(rows, s);
    }
    return s;
  }

  forward(w: FloatArray, b: FloatArray, { rows, input, z, a }: ForwardPass): void {
    this.context.kernels.convForward(this.conv, rows, input, w, b, z, a, this.buffers(rows));
  }

  backward(w: FloatArray, _b: FloatArray, { rows, input, delta, inputDelta, nablaW, nablaB, accumulate }: BackwardPass): void {
    this.context.kernels.convBackward(this.conv, rows, input, delta, w, nablaW, nablaB, inputDelta, accumulate, this.buffers(rows));
  }
}
