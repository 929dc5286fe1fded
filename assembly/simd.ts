// Small SIMD helpers shared by the kernels (inlined; not exports of the module).

/**
 * acc + x·y. The relaxed-SIMD build (kernels-fma.wasm, --enable relaxed-simd) makes it one fused
 * multiply-add where the hardware has one; the plain build rounds the product first. Each build is
 * deterministic on its own; they differ by float32 rounding.
 */
// @ts-ignore: decorator
@inline export function fma(acc: v128, x: v128, y: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(x, y, acc);
  return f32x4.add(acc, f32x4.mul(x, y));
}

/** [Σ s0, Σ s1, Σ s2, Σ s3]: four horizontal sums at once, so the epilogue works on vectors. */
// @ts-ignore: decorator
@inline export function hsum4(s0: v128, s1: v128, s2: v128, s3: v128): v128 {
  const u0 = f32x4.add(v128.shuffle<f32>(s0, s1, 0, 1, 4, 5), v128.shuffle<f32>(s0, s1, 2, 3, 6, 7));
  const u1 = f32x4.add(v128.shuffle<f32>(s2, s3, 0, 1, 4, 5), v128.shuffle<f32>(s2, s3, 2, 3, 6, 7));
  return f32x4.add(v128.shuffle<f32>(u0, u1, 0, 2, 4, 6), v128.shuffle<f32>(u0, u1, 1, 3, 5, 7));
}

