/**
 * Worker-thread entry of the data-parallel trainer: a thin adapter around ShardWorker. It says
 * 'ready' once, then serves commands through the shared control block (Atomics.wait/notify)
 * until told to quit. A failure is written to shared memory, since the coordinator is blocked.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { selectKernels } from '../wasm/select';
import { Command, sharedLayout, Slot, writeError } from './layout';
import type { ParallelWorkerData } from './protocol';
import { ShardWorker } from './shard-worker';

const data = workerData as ParallelWorkerData;
const layout = sharedLayout(data.layout, data.buffer);
const control = layout.control;
const worker = new ShardWorker(data.spec, selectKernels(data.backend), layout, data.index, data.workers);
parentPort!.postMessage({ type: 'ready' });

// The coordinator's generation is 0 until every worker said 'ready', so start from 0, not from a load.
let generation = 0;
for (;;) {
  Atomics.wait(control, Slot.Generation, generation);
  generation = Atomics.load(control, Slot.Generation);
  const command = Atomics.load(control, Slot.Command) as Command;
  if (command === Command.Quit) break;
  try {
    worker.run(command);
  } catch (error) {
    writeError(layout, `worker ${data.index}: ${error instanceof Error ? error.message : String(error)}`);
  }
  Atomics.add(control, Slot.Done, 1);
  Atomics.notify(control, Slot.Done);
}
parentPort!.close();
