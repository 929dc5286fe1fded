import type { Samples } from '../data/dataset';
import { loadChosenRows } from './evaluate';
import { Network } from './network';
import { biasName, weightName } from './notation';

export interface LayerGradientCheck {
  /** The engine's index (1 = the first weights, w² in the seed's numbering: core/engine/notation). */
  layer: number;
  /** ‖g_backprop − g_numeric‖ / max(‖g_backprop‖ + ‖g_numeric‖, tiny), over the checked weights and biases. */
  relativeError: number;
  /** A few individual parameters, for a table like the seed's "approximation vs chain rule". */
  samples: { name: string; backprop: number; numeric: number }[];
  checked: number;
}

export interface GradientCheckOptions {
  /** Finite-difference step h in (C(θ+h) − C(θ−h)) / 2h. */
  h?: number;
  /** Parameters checked per layer (all when the layer is smaller). */
  perLayer?: number;
  /** How many of them to return individually. */
  show?: number;
}

/**
 * Compares backprop's gradient with central finite differences on a few samples. The check runs in
 * float64 on a copy of the network: in float32 the rounding error of C(θ±h) swamps the difference.
 * Relative errors around 1e-7 mean backprop is right; above 1e-3 something is wrong (or a ReLU
 * kink was straddled by ±h).
 */
export function gradientCheck(source: Network, samples: Samples, rows: number[], options: GradientCheckOptions = {}): LayerGradientCheck[] {
  const h = options.h ?? 1e-5;
  const perLayer = options.perLayer ?? 40;
  const show = options.show ?? 5;
  const net = new Network(source.spec, 'float64');
  net.setParameters(source.w, source.b);
  net.setState(source.state);
  const ws = net.workspace(rows.length);
  loadChosenRows(net, ws, samples, rows);
  const cost = (): number => {
    net.feedforward(ws);
    return net.batchCost(ws) / rows.length;
  };
  cost();
  const grads = net.createGradients();
  net.backprop(ws, grads, 1 / rows.length);

  const results: LayerGradientCheck[] = [];
  for (let l = 1; l <= net.L; l++) {
    const params = [
      {
        buffer: net.w[l]!,
        grad: grads.nablaW[l]!,
        label: (i: number) => `${weightName(l)}[${Math.floor(i / net.sizes[l - 1]!)},${i % net.sizes[l - 1]!}]`,
      },
      { buffer: net.b[l]!, grad: grads.nablaB[l]!, label: (i: number) => `${biasName(l)}[${i}]` },
    ];
    let diff = 0;
    let sumBack = 0;
    let sumNum = 0;
    let checked = 0;
    const samplesOut: LayerGradientCheck['samples'] = [];
    for (const { buffer, grad, label } of params) {
      // Spread the checked parameters evenly over the buffer.
      const count = Math.min(buffer.length, Math.ceil(perLayer / 2));
      const stride = buffer.length / count;
      for (let c = 0; c < count; c++) {
        const i = Math.floor(c * stride);
        const saved = buffer[i]!;
        buffer[i] = saved + h;
        const plus = cost();
        buffer[i] = saved - h;
        const minus = cost();
        buffer[i] = saved;
        const numeric = (plus - minus) / (2 * h);
        const back = grad[i]!;
        diff += (back - numeric) ** 2;
        sumBack += back * back;
        sumNum += numeric * numeric;
        checked++;
        if (samplesOut.length < show) samplesOut.push({ name: label(i), backprop: back, numeric });
      }
    }
    const denom = Math.max(Math.sqrt(sumBack) + Math.sqrt(sumNum), 1e-300);
    results.push({ layer: l, relativeError: Math.sqrt(diff) / denom, samples: samplesOut, checked });
  }
  return results;
}
