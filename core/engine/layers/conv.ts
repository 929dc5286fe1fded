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
 * and the kernels' products (js or wasm) do the work; col2im adds ∂C/∂cols back onto the input
 * positions, which is exactly the flipped-kernel full correlation above.
 */
import type { FloatArray } from '../activations';
import type { ActivationName } from '../spec';
import { windowGeometry, type LayerShape, type WindowGeometry } from '../shapes';
import type { SlidingWindow } from '../kernels';
import type { BackwardPass, ForwardPass, LayerContext, LayerOp } from './types';

interface Scratch {
  /** (rows·P) × (C·k·k): the windows; reused for ∂C/∂cols in backward. */
  cols: FloatArray;
  /** (rows·P) × F: z and a position by position (then transposed into CHW); reused for δᵀ. */
  zT: FloatArray;
  aT: FloatArray;
  sparse: boolean;
}

export class ConvLayer implements LayerOp {
  readonly geometry: WindowGeometry;
  /** The kernel's window over the input, as the kernels' im2col and col2im take it. */
  private readonly window: SlidingWindow;
  /** Output positions per channel (P = height · width of the output). */
  private readonly positions: number;
  /** Weights per filter: C·k·k. */
  readonly fanIn: number;
  private readonly scratch = new Map<number, Scratch>();

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
    const { padTop, padLeft } = this.geometry;
    this.window = {
      channels: input.channels,
      height: input.height,
      width: input.width,
      outHeight: output.height,
      outWidth: output.width,
      size: kernel,
      stride,
      padTop,
      padLeft,
    };
  }

  private buffers(rows: number): Scratch {
    let s = this.scratch.get(rows);
    if (!s) {
      const n = rows * this.positions;
      s = {
        cols: this.context.alloc(n * this.fanIn),
        zT: this.context.alloc(n * this.output.channels),
        aT: this.context.alloc(n * this.output.channels),
        sparse: false,
      };
      this.scratch.set(rows, s);
    }
    return s;
  }

  forward(w: FloatArray, b: FloatArray, { rows, input, z, a }: ForwardPass): void {
    const k = this.context.kernels;
    const s = this.buffers(rows);
    const F = this.output.channels;
    const n = rows * this.positions;
    k.im2col(input, s.cols, rows, this.window);
    s.sparse = k.density(s.cols, n * this.fanIn) < k.sparseBelow;
    k.matMulABtActivate(s.cols, w, b, s.zT, s.aT, n, F, this.fanIn, this.activation, s.sparse);
    // position-major (P × F per sample) → channel-major CHW (F × P)
    k.transposeEach(s.zT, z, rows, this.positions, F);
    k.transposeEach(s.aT, a, rows, this.positions, F);
  }

  backward(w: FloatArray, _b: FloatArray, { rows, delta, inputDelta, nablaW, nablaB, accumulate }: BackwardPass): void {
    const k = this.context.kernels;
    const s = this.buffers(rows);
    const F = this.output.channels;
    const P = this.positions;
    const n = rows * P;
    const dT = s.zT;
    k.transposeEach(delta, dT, rows, F, P);
    k.sumRows(dT, nablaB, n, F, accumulate); // ∂C/∂b_f = Σ over positions and samples of δ_f
    k.matMulAtB(dT, s.cols, nablaW, F, this.fanIn, n, accumulate, s.sparse); // ∂C/∂w = δᵀ · cols
    if (!inputDelta) return;
    k.matMulAB(dT, w, s.cols, n, this.fanIn, F); // ∂C/∂cols = δ · w (cols is not needed any more)
    k.col2im(s.cols, inputDelta, rows, this.window);
  }
}
