// ln x in float64 without lookup tables: fdlibm's e_log.c, the algorithm V8's Math.log runs, so the
// fused step's costs equal the JavaScript losses' bit for bit. AssemblyScript's own Math.log reads
// tables from static memory, which would sit in the host's list area and be overwritten there; this
// module must keep no static data (test/core/engine/dense-step.test.ts checks it has none).

const LN2_HI = reinterpret<f64>(0x3fe62e42fee00000);
const LN2_LO = reinterpret<f64>(0x3dea39ef35793c76);
const TWO54 = reinterpret<f64>(0x4350000000000000);
const LG1 = reinterpret<f64>(0x3fe5555555555593);
const LG2 = reinterpret<f64>(0x3fd999999997fa04);
const LG3 = reinterpret<f64>(0x3fd2492494229359);
const LG4 = reinterpret<f64>(0x3fcc71c51d8e78af);
const LG5 = reinterpret<f64>(0x3fc7466496cb03de);
const LG6 = reinterpret<f64>(0x3fc39a09d078c69f);
const LG7 = reinterpret<f64>(0x3fc2f112df3e5244);

@inline function high(x: f64): i32 {
  return <i32>(reinterpret<u64>(x) >> 32);
}
@inline function withHigh(x: f64, hi: i32): f64 {
  return reinterpret<f64>((<u64>(<u32>hi) << 32) | (reinterpret<u64>(x) & 0xffffffff));
}

/** ln x: −∞ at ±0, NaN below 0 and at NaN, +∞ at +∞. */
export function logF64(x: f64): f64 {
  let hx = high(x);
  const lx = <u32>reinterpret<u64>(x);
  let k = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | lx) == 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54; // subnormal: scale up
    x *= TWO54;
    hx = high(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i = (hx + 0x95f64) & 0x100000;
  x = withHigh(x, hx | (i ^ 0x3ff00000)); // x or x/2 into [√2/2, √2)
  k += i >> 20;
  const f = x - 1.0;
  const dk = <f64>k;
  if ((0x000fffff & (2 + hx)) < 3) {
    // |f| < 2⁻²⁰
    if (f == 0) return k == 0 ? 0 : dk * LN2_HI + dk * LN2_LO;
    const r = f * f * (0.5 - 0.33333333333333333 * f);
    return k == 0 ? f - r : dk * LN2_HI - (r - dk * LN2_LO - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const r = t2 + t1;
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) {
    const hfsq = 0.5 * f * f;
    return k == 0 ? f - (hfsq - s * (hfsq + r)) : dk * LN2_HI - (hfsq - (s * (hfsq + r) + dk * LN2_LO) - f);
  }
  return k == 0 ? f - s * (f - r) : dk * LN2_HI - (s * (f - r) - dk * LN2_LO - f);
}

/** ln x over n f64 values (for testing logF64 against Math.log). */
export function logArray(x: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(out + (<usize>i << 3), logF64(load<f64>(x + (<usize>i << 3))));
}
