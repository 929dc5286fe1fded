/**
 * Worker-thread entry of the data-parallel trainer: a thin adapter around ShardWorker. It says
 * 'ready' once, then serves commands through the shared control block until told to quit. A
 * failure is written to shared memory, since the coordinator is blocked and cannot read messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { jsKernels } from '../kernels-js';
import { createWasmKernels } from '../wasm/kernels-wasm';
import { Command, sharedLayout, Slot, writeError } from './layout';
import type { ParallelWorkerData } from './protocol';
import { ShardWorker } from './shard-worker';
import { waitWhileEquals } from './sync';

const data = workerData as ParallelWorkerData;
const layout = sharedLayout(data.layout, data.buffer, data.layoutAt);
const control = layout.control;
// wasm: the coordinator's compiled module over the run's one memory, in this thread's own region.
const kernels = data.wasm
  ? createWasmKernels(data.wasm.module, { memory: data.wasm.memory, region: data.wasm.region, scratchShare: data.wasm.scratchShare })
  : jsKernels;
const worker = new ShardWorker(data.spec, kernels, layout, data.index, data.threads);
parentPort!.postMessage({ type: 'ready' });

// The coordinator's generation is 0 until every worker said 'ready', so start from 0, not from a load.
let generation = 0;
for (;;) {
  waitWhileEquals(control, Slot.Generation, generation, data.spin);
  generation = Atomics.load(control, Slot.Generation);
  const command = Atomics.load(control, Slot.Command) as Command;
  if (command === Command.Quit) break;
  try {
    if (command === Command.Compute) worker.computeShards();
  } catch (error) {
    writeError(layout, `worker ${data.index}: ${error instanceof Error ? error.message : String(error)}`);
  }
  Atomics.add(control, Slot.Done, 1);
  Atomics.notify(control, Slot.Done);
}
parentPort!.close();
