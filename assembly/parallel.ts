// Kernels of data-parallel training (core/engine/parallel): shards' gradients live side by side
// in one shared memory, and the coordinator sums them in shard order with these.

/** dst[i] = a[i] + b[i] for i < n (dst may be a or b): one term of the fixed-order shard sum. */
export function addArrays(dst: usize, a: usize, b: usize, n: i32): void {
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(dst + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    store<f32>(dst + o, load<f32>(a + o) + load<f32>(b + o));
  }
}
