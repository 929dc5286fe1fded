// One mini-batch of an all-dense network in one call (issue 17): forward, the batch's cost, BP1–BP4,
// every layer's gradient norm, the overflow guard's checks and the optimiser's update. It calls the
// same kernels the step-by-step path calls, in the same order, so the two agree bit for bit (the
// cost's logarithms and the momentum step, which the step-by-step path runs in JavaScript's float64,
// are float64 here too). The host (core/engine/wasm/dense-step.ts) writes the plan, a block of f64
// words whose layout is below; pointers are byte offsets into this memory.

import { matMulABt, matMulAB, matMulAtB, density, sumRows } from './kernels';
import { sumSquares, sumSquaresBlocks, maxAbs, sgdStep, adamStep } from './steps';
import { sgdGradientStep } from './gradient-step';
import { activateBackward, softmaxBackward, outputDelta, ACT_SOFTMAX } from './activations';
import { batchCost, momentumStep } from './step-math';
export { logArray } from './log';

// The plan's header (f64 words). Keep in step with core/engine/wasm/dense-step.ts.
const H_L = 0;
const H_ROWS = 1;
const H_LOSS = 2; // 1 quadratic, 2 cross-entropy, 3 KL divergence, 4 binary cross-entropy
const H_DELTA = 3; // 0: quadratic ∇_a C then σ'; 1: fused a − y; 2: fused a·Σy − y
const H_OPTIMIZER = 4; // 0 sgd, 1 momentum, 2 adam
const H_ETA = 5;
const H_L2 = 6;
const H_MU = 7;
const H_BETA1 = 8;
const H_BETA2 = 9;
const H_EPSILON = 10;
const H_C1 = 11;
const H_C2 = 12;
const H_SPARSE_BELOW = 13;
const H_FRESH = 14; // 1: the layers' max |w|, max |b| are those of the current weights
const H_GMAX = 15; // momentum's and Adam's running max of the gradient bound (their maxChange state)
const H_LIST = 16;
const H_Y = 17;
const H_INPUT = 18;
const H_SCRATCH = 19; // 4·n_0 floats for sgdGradientStep
const O_COST = 20;
const O_LAYER = 21;
const O_STEPPED = 22; // 1 when the optimiser stepped (Adam's t counts it, even when undone)
const O_ONE_PASS = 23; // 1 when layer 1's gradient and step took one pass (firstLayerStep)
const LAYERS = 32;
const LAYER_WORDS = 24;
// A layer's words.
const N_IN = 0;
const N_OUT = 1;
const ACT = 2;
const W = 3;
const B = 4;
const NABLA_W = 5;
const NABLA_B = 6;
const Z = 7;
const A = 8;
const DELTA = 9;
const S1_W = 10; // momentum's velocity, Adam's m
const S1_B = 11;
const S2_W = 12; // Adam's v
const S2_B = 13;
const PREV_W = 14; // the weights before an update that might overflow
const PREV_B = 15;
const MAX_W = 16;
const MAX_B = 17;
const NORM = 18;
const SPARSE = 19;
/** sgdGradientStep's results: Σ (∂C/∂w)², then max |w| after the step. */
const STEP_SQUARES = 21;

// What denseStep returns (what went non-finite, as OverflowGuard.update says it).
const DONE = 0;
const BAD_LOSS = 1;
const BAD_GRADIENT = 2;
const BAD_WEIGHT = 3;
/** An update the optimiser's bound said could not overflow did: its maxChange is wrong. */
const BOUND_BROKEN = 4;

/** Below this bound on |p| + |Δp| an update cannot overflow float32 (as in overflow-guard.ts). */
const SAFE_MAGNITUDE: f64 = 1e37;

@inline function word(at: usize, i: i32): f64 {
  return load<f64>(at + (<usize>i << 3));
}
@inline function setWord(at: usize, i: i32, v: f64): void {
  store<f64>(at + (<usize>i << 3), v);
}
@inline function ptr(at: usize, i: i32): usize {
  return <usize>word(at, i);
}
@inline function layerAt(plan: usize, l: i32): usize {
  return plan + (<usize>(LAYERS + (l - 1) * LAYER_WORDS) << 3);
}

/** g ⊙= σ'(z) for a layer's activation code (softmax: its Jacobian by rows). */
function backwardThrough(act: i32, z: usize, a: usize, g: usize, rows: i32, cols: i32): void {
  if (act == ACT_SOFTMAX) softmaxBackward(a, g, rows, cols);
  else activateBackward(act, z, a, g, rows * cols);
}

/** One optimiser step over one buffer of n floats; returns max |p| after it. */
function stepBuffer(plan: usize, p: usize, g: usize, s1: usize, s2: usize, n: i32, lambda: f64): f64 {
  const optimizer = i32(word(plan, H_OPTIMIZER));
  const eta = word(plan, H_ETA);
  if (optimizer == 0) return <f64>sgdStep(p, g, n, <f32>eta, <f32>lambda);
  if (optimizer == 1) return momentumStep(p, g, s1, n, word(plan, H_MU), eta, lambda);
  return <f64>(
    adamStep(p, g, s1, s2, n, <f32>eta, <f32>lambda, <f32>word(plan, H_BETA1), <f32>word(plan, H_BETA2), <f32>word(plan, H_C1), <f32>word(plan, H_C2), <f32>word(plan, H_EPSILON))
  );
}

/** max |p| over every weight and bias, as OverflowGuard.paramMax: the last step's maxima when fresh, else measured. */
function paramMax(plan: usize, L: i32): f64 {
  const fresh = word(plan, H_FRESH) != 0;
  let top: f64 = 0;
  for (let i = 0; i < 2 * L; i++) {
    const lay = layerAt(plan, (i % L) + 1);
    const isW = i < L;
    const n = i32(word(lay, N_IN)) * i32(word(lay, N_OUT));
    const m = fresh ? word(lay, isW ? MAX_W : MAX_B) : <f64>maxAbs(ptr(lay, isW ? W : B), isW ? n : i32(word(lay, N_OUT)));
    if (!(m <= top)) top = m;
    if (isNaN(m)) return NaN;
  }
  return top;
}

/**
 * The guarded update (OverflowGuard.update) once the gradients and their norms are in place, `top`
 * being paramMax. `firstStepped`: sgdGradientStep has stepped layer 1's weights already, where this
 * update could not overflow (firstLayerStep checked it with a bound on their gradient's norm).
 */
function update(plan: usize, L: i32, top: f64, firstStepped: bool): i32 {
  let gMaxNorm: f64 = 0;
  for (let l = 1; l <= L; l++) {
    const g = word(layerAt(plan, l), NORM);
    if (!isFinite(g)) {
      setWord(plan, O_LAYER, l);
      return BAD_GRADIENT;
    }
    if (g > gMaxNorm) gMaxNorm = g;
  }
  const l2 = word(plan, H_L2);
  const eta = word(plan, H_ETA);
  const gBound = gMaxNorm + l2 * top;
  const optimizer = i32(word(plan, H_OPTIMIZER));
  let change: f64;
  if (optimizer == 0) change = Math.abs(eta) * gBound;
  else {
    const gMax = Math.max(word(plan, H_GMAX), gBound);
    setWord(plan, H_GMAX, gMax);
    const mu = word(plan, H_MU);
    const epsilon = word(plan, H_EPSILON);
    if (optimizer == 1) change = mu < 1 ? (Math.abs(eta) * gMax) / (1 - mu) : Infinity;
    else change = epsilon > 0 ? (Math.abs(eta) * gMax) / epsilon : Infinity;
  }
  const mayOverflow = !(top + change < SAFE_MAGNITUDE);
  if (firstStepped && mayOverflow) return BOUND_BROKEN;
  for (let l = 1; mayOverflow && l <= L; l++) {
    const lay = layerAt(plan, l);
    const nOut = i32(word(lay, N_OUT));
    memory.copy(ptr(lay, PREV_W), ptr(lay, W), (<usize>(i32(word(lay, N_IN)) * nOut)) << 2);
    memory.copy(ptr(lay, PREV_B), ptr(lay, B), (<usize>nOut) << 2);
  }
  setWord(plan, O_STEPPED, 1);
  for (let l = 1; l <= L; l++) {
    const lay = layerAt(plan, l);
    const nOut = i32(word(lay, N_OUT));
    const n = i32(word(lay, N_IN)) * nOut;
    if (l == 1 && firstStepped) setWord(lay, MAX_W, word(lay, STEP_SQUARES + 1));
    else setWord(lay, MAX_W, stepBuffer(plan, ptr(lay, W), ptr(lay, NABLA_W), ptr(lay, S1_W), ptr(lay, S2_W), n, l2));
    setWord(lay, MAX_B, stepBuffer(plan, ptr(lay, B), ptr(lay, NABLA_B), ptr(lay, S1_B), ptr(lay, S2_B), nOut, 0));
  }
  // The first non-finite buffer in the guard's order (every w, then every b) names the layer.
  let bad = 0;
  for (let i = 0; i < 2 * L && bad == 0; i++) if (!isFinite(word(layerAt(plan, (i % L) + 1), i < L ? MAX_W : MAX_B))) bad = (i % L) + 1;
  if (bad == 0) return DONE;
  setWord(plan, O_LAYER, bad);
  if (!mayOverflow) return BOUND_BROKEN;
  for (let l = 1; l <= L; l++) {
    const lay = layerAt(plan, l);
    const nOut = i32(word(lay, N_OUT));
    memory.copy(ptr(lay, W), ptr(lay, PREV_W), (<usize>(i32(word(lay, N_IN)) * nOut)) << 2);
    memory.copy(ptr(lay, B), ptr(lay, PREV_B), (<usize>nOut) << 2);
  }
  return BAD_WEIGHT;
}

/**
 * One mini-batch of the network the plan describes, its inputs already in the plan's input rows and
 * its targets in y: returns DONE, or what went non-finite (the parameters then as they were).
 */
export function denseStep(plan: usize): i32 {
  const L = i32(word(plan, H_L));
  const rows = i32(word(plan, H_ROWS));
  const list = ptr(plan, H_LIST);
  const y = ptr(plan, H_Y);
  const sparseBelow = word(plan, H_SPARSE_BELOW);
  setWord(plan, O_STEPPED, 0);
  // Forward: z^l = a^{l−1}·w^lᵀ + b^l, a^l = σ(z^l); sparse products where the input is sparse enough.
  let input = ptr(plan, H_INPUT);
  for (let l = 1; l <= L; l++) {
    const lay = layerAt(plan, l);
    const nIn = i32(word(lay, N_IN));
    const nOut = i32(word(lay, N_OUT));
    const sparse = density(input, rows * nIn) < sparseBelow ? 1 : 0;
    setWord(lay, SPARSE, sparse);
    matMulABt(input, ptr(lay, W), ptr(lay, Z), rows, nOut, nIn, ptr(lay, B), list, sparse, i32(word(lay, ACT)), ptr(lay, A));
    input = ptr(lay, A);
  }
  const out = layerAt(plan, L);
  const nL = i32(word(out, N_OUT));
  const cost = batchCost(i32(word(plan, H_LOSS)), ptr(out, A), y, rows, nL);
  setWord(plan, O_COST, cost);
  // BP1, with every δ scaled by 1/rows (the mean cost).
  const scale = <f32>(1 / <f64>rows);
  const mode = i32(word(plan, H_DELTA));
  outputDelta(ptr(out, A), y, ptr(out, DELTA), rows, nL, scale, mode == 2 ? 1 : 0);
  if (mode == 0) backwardThrough(i32(word(out, ACT)), ptr(out, Z), ptr(out, A), ptr(out, DELTA), rows, nL);
  // BP3, BP4, BP2 from the last layer down, then each layer's ‖∇w, ∇b‖; layer 1 and its step in one pass where it can.
  for (let l = L; l >= 2; l--) backward(plan, l, rows, list);
  const top = paramMax(plan, L);
  const firstStepped = isFinite(cost) && firstLayerStep(plan, L, rows, list, top);
  setWord(plan, O_ONE_PASS, firstStepped ? 1 : 0);
  if (!firstStepped) backward(plan, 1, rows, list);
  if (!isFinite(cost)) return BAD_LOSS;
  return update(plan, L, top, firstStepped);
}

/** Layer l's BP3 (∇b), BP4 (∇w), its ‖∇w, ∇b‖ and, above layer 1, BP2 (δ^{l−1}). */
function backward(plan: usize, l: i32, rows: i32, list: usize): void {
  const lay = layerAt(plan, l);
  const nIn = i32(word(lay, N_IN));
  const nOut = i32(word(lay, N_OUT));
  const prevA = l == 1 ? ptr(plan, H_INPUT) : ptr(layerAt(plan, l - 1), A);
  sumRows(ptr(lay, DELTA), ptr(lay, NABLA_B), rows, nOut, false);
  const nablaW = ptr(lay, NABLA_W);
  let blocks = matMulAtB(ptr(lay, DELTA), prevA, nablaW, nOut, nIn, rows, false, list, i32(word(lay, SPARSE)));
  if (nIn & 7) blocks = -1;
  if (l > 1) {
    const below = layerAt(plan, l - 1);
    matMulAB(ptr(lay, DELTA), ptr(lay, W), ptr(below, DELTA), rows, nIn, nOut);
    backwardThrough(i32(word(below, ACT)), ptr(below, Z), ptr(below, A), ptr(below, DELTA), rows, nIn);
  }
  const squares = blocks >= 0 ? sumSquaresBlocks(nablaW, nOut, nIn, list, blocks) : sumSquares(nablaW, nIn * nOut);
  setWord(lay, NORM, Math.sqrt(squares + sumSquares(ptr(lay, NABLA_B), nOut)));
}

/**
 * Plain SGD over a sparse first layer: its ∇b, then ∇w, ‖∇w, ∇b‖ and the step of w in one pass
 * (sgdGradientStep), when the guard is bound to let the update through: the loss and the other
 * layers' norms finite, and the update unable to overflow even with ‖∇w‖ at its bound
 * ‖δ‖·‖x‖ (Cauchy–Schwarz, widened by 10⁻³ for float32 rounding). Returns false, having changed
 * nothing the step-by-step order needs, where that is not so.
 */
function firstLayerStep(plan: usize, L: i32, rows: i32, list: usize, top: f64): bool {
  const lay = layerAt(plan, 1);
  const nIn = i32(word(lay, N_IN));
  const nOut = i32(word(lay, N_OUT));
  if (i32(word(plan, H_OPTIMIZER)) != 0 || word(lay, SPARSE) == 0 || rows > 64 || (nIn & 7) != 0) return false;
  let others: f64 = 0;
  for (let l = 2; l <= L; l++) {
    const g = word(layerAt(plan, l), NORM);
    if (!isFinite(g)) return false;
    if (g > others) others = g;
  }
  const x = ptr(plan, H_INPUT);
  const delta = ptr(lay, DELTA);
  const wBound = Math.sqrt(sumSquares(delta, rows * nOut)) * Math.sqrt(sumSquares(x, rows * nIn)) * (1 + 1e-3);
  if (!(wBound < SAFE_MAGNITUDE)) return false;
  sumRows(delta, ptr(lay, NABLA_B), rows, nOut, false);
  const bSquares = sumSquares(ptr(lay, NABLA_B), nOut);
  const l2 = word(plan, H_L2);
  const eta = word(plan, H_ETA);
  const change = Math.abs(eta) * (Math.max(others, Math.sqrt(wBound * wBound + bSquares)) + l2 * top);
  if (!(top + change < SAFE_MAGNITUDE)) return false;
  const out = lay + (<usize>STEP_SQUARES << 3);
  sgdGradientStep(delta, x, ptr(lay, W), nOut, nIn, rows, list, ptr(plan, H_SCRATCH), <f32>eta, <f32>l2, out);
  setWord(lay, NORM, Math.sqrt(load<f64>(out) + bSquares));
  return true;
}

