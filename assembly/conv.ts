// The data movement of convolution and max-pooling layers, in linear memory, so that a conv layer's
// forward and backward are a few calls over buffers that never leave wasm memory. The products
// themselves are kernels.ts's; these are the lowering (im2col), its reverse (col2im), the
// position-major ↔ channel-major reordering around the products, and max-pooling. Every pointer is
// a byte offset; arrays are float32 except max-pooling's argmax (i32). Same loops and order as the
// js kernels (core/engine/kernels-conv-js.ts): the results are identical, not just close.

/**
 * cols[(r·P + p)·CKK + q] = the input value under weight q (c, i, j) of the window at output
 * position p of sample r, 0 in the padding. Inputs are C × H × W per sample (inSize floats).
 */
export function im2col(
  input: usize, cols: usize, rows: i32, C: i32, H: i32, W: i32, OH: i32, OW: i32, k: i32, s: i32, padTop: i32, padLeft: i32,
): void {
  const inSize = C * H * W;
  let o = cols;
  for (let r = 0; r < rows; r++) {
    const base = input + (<usize>(r * inSize) << 2);
    for (let oy = 0; oy < OH; oy++) {
      const y0 = oy * s - padTop;
      for (let ox = 0; ox < OW; ox++) {
        const x0 = ox * s - padLeft;
        const inside = x0 >= 0 && x0 + k <= W;
        for (let c = 0; c < C; c++) {
          const plane = base + (<usize>(c * H * W) << 2);
          for (let i = 0; i < k; i++) {
            const y = y0 + i;
            if (y < 0 || y >= H) {
              memory.fill(o, 0, <usize>k << 2);
              o += <usize>k << 2;
              continue;
            }
            const row = plane + (<usize>(y * W) << 2);
            if (inside) {
              memory.copy(o, row + (<usize>x0 << 2), <usize>k << 2);
              o += <usize>k << 2;
              continue;
            }
            for (let j = 0; j < k; j++) {
              const x = x0 + j;
              store<f32>(o, x >= 0 && x < W ? load<f32>(row + (<usize>x << 2)) : 0);
              o += 4;
            }
          }
        }
      }
    }
  }
}

/** The reverse of im2col: inputDelta = 0, then every window value of `cols` is added onto the input position it came from. */
export function col2im(
  cols: usize, inputDelta: usize, rows: i32, C: i32, H: i32, W: i32, OH: i32, OW: i32, k: i32, s: i32, padTop: i32, padLeft: i32,
): void {
  const inSize = C * H * W;
  memory.fill(inputDelta, 0, <usize>(rows * inSize) << 2);
  let o = cols;
  for (let r = 0; r < rows; r++) {
    const base = inputDelta + (<usize>(r * inSize) << 2);
    for (let oy = 0; oy < OH; oy++) {
      const y0 = oy * s - padTop;
      for (let ox = 0; ox < OW; ox++) {
        const x0 = ox * s - padLeft;
        for (let c = 0; c < C; c++) {
          const plane = base + (<usize>(c * H * W) << 2);
          for (let i = 0; i < k; i++) {
            const y = y0 + i;
            if (y < 0 || y >= H) {
              o += <usize>k << 2;
              continue;
            }
            const row = plane + (<usize>(y * W) << 2);
            for (let j = 0; j < k; j++) {
              const x = x0 + j;
              if (x >= 0 && x < W) {
                const at = row + (<usize>x << 2);
                store<f32>(at, load<f32>(at) + load<f32>(o));
              }
              o += 4;
            }
          }
        }
      }
    }
  }
}

/** For each of `count` blocks: dst (cols × rows) = src (rows × cols)ᵀ. Positions × filters ↔ filters × positions per sample. */
export function transposeEach(src: usize, dst: usize, count: i32, rows: i32, cols: i32): void {
  const size = <usize>(rows * cols) << 2;
  const rowBytes = <usize>cols << 2;
  const colBytes = <usize>rows << 2;
  for (let b = 0; b < count; b++) {
    const from = src + <usize>b * size;
    const to = dst + <usize>b * size;
    for (let r = 0; r < rows; r++) {
      const line = from + <usize>r * rowBytes;
      let at = to + (<usize>r << 2);
      for (let c = 0; c < cols; c++) {
        store<f32>(at, load<f32>(line + (<usize>c << 2)));
        at += colBytes;
      }
    }
  }
}

/**
 * Max-pooling of each channel's size × size windows (stride s, no padding): z = a = the window's
 * max, argmax = its index in the sample's input. NaN wins, so a diverged input shows in the output.
 */
export function maxPool(
  input: usize, z: usize, a: usize, argmax: usize, rows: i32, C: i32, H: i32, W: i32, OH: i32, OW: i32, size: i32, s: i32,
): void {
  const inSize = C * H * W;
  let o: usize = 0;
  for (let r = 0; r < rows; r++) {
    const base = input + (<usize>(r * inSize) << 2);
    for (let c = 0; c < C; c++) {
      const plane = c * H * W;
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          let best = plane + oy * s * W + ox * s;
          let max = load<f32>(base + (<usize>best << 2));
          for (let dy = 0; dy < size; dy++) {
            const row = plane + (oy * s + dy) * W + ox * s;
            for (let dx = 0; dx < size; dx++) {
              const v = load<f32>(base + (<usize>(row + dx) << 2));
              if (v > max || v != v) {
                max = v;
                best = row + dx;
              }
            }
          }
          store<f32>(z + (o << 2), max);
          store<f32>(a + (o << 2), max);
          store<i32>(argmax + (o << 2), best);
          o++;
        }
      }
    }
  }
}

/** inputDelta = 0, then each output's δ is added onto the input that was its window's max. */
export function maxPoolBackward(delta: usize, argmax: usize, inputDelta: usize, rows: i32, inSize: i32, outSize: i32): void {
  memory.fill(inputDelta, 0, <usize>(rows * inSize) << 2);
  for (let r = 0; r < rows; r++) {
    const base = inputDelta + (<usize>(r * inSize) << 2);
    const o0 = <usize>(r * outSize) << 2;
    for (let o = 0; o < outSize; o++) {
      const at = base + (<usize>load<i32>(argmax + o0 + (<usize>o << 2)) << 2);
      store<f32>(at, load<f32>(at) + load<f32>(delta + o0 + (<usize>o << 2)));
    }
  }
}
