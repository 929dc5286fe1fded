// Input rows gathered from a training set kept as bytes in linear memory (MNIST's grey levels),
// each byte scaled through a 256-entry float32 table as it is read: no float32 copy of the set,
// and one call per batch instead of a JavaScript loop per value (a fifth of a 784-30-10 batch).

/**
 * out[r·width + j] = table[bytes[order[from + r]·width + j]] for r < count, j < width. Sixteen
 * bytes a step; a step whose bytes are all 0 (most of an MNIST image) stores table[0] without lookups.
 */
export function gatherRows(bytes: usize, table: usize, order: usize, from: i32, count: i32, width: i32, out: usize): void {
  const zero = v128.splat<f32>(load<f32>(table));
  for (let r = 0; r < count; r++) {
    const src = bytes + <usize>load<u32>(order + (<usize>(from + r) << 2)) * <usize>width;
    const dst = out + (<usize>r * <usize>width << 2);
    let j = 0;
    for (; j + 15 < width; j += 16) {
      const v = v128.load(src + j);
      const at = dst + (<usize>j << 2);
      if (!v128.any_true(v)) {
        v128.store(at, zero);
        v128.store(at, zero, 16);
        v128.store(at, zero, 32);
        v128.store(at, zero, 48);
        continue;
      }
      for (let i = 0; i < 16; i++) store<f32>(at + (<usize>i << 2), load<f32>(table + (<usize>load<u8>(src + j + i) << 2)));
    }
    for (; j < width; j++) store<f32>(dst + (<usize>j << 2), load<f32>(table + (<usize>load<u8>(src + j) << 2)));
  }
}
