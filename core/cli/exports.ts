/**
 * The CLI's exports for other tools, after training: --export-pytorch DIR (a PyTorch project),
 * --safetensors FILE and --npz FILE (the weights, W2, b2…). Their places are checked before
 * training (checkExportPlaces), as --out's is, so a long run is not lost to a typo.
 */
import { readdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Network } from '../engine/network';
import { npzBytes } from '../model/exports/npz';
import type { IdxDataFiles } from '../model/exports/pytorch/config';
import { pytorchProject } from '../model/exports/pytorch/project';
import { safetensorsBytes } from '../model/exports/safetensors';
import { networkTensors } from '../model/exports/tensors';
import { writeFolder } from '../model/exports/write-folder';
import type { ModelFile } from '../model/format';
import { writeFileAtomic } from '../model/model-files';
import { APP_VERSION } from '../version';
import type { CliOptions } from './args';
import { checkOutputPlace } from './out-paths';
import type { CliOutput } from './output';

export async function checkExportPlaces(options: CliOptions): Promise<void> {
  if (options.safetensors) await checkOutputPlace('--safetensors', options.safetensors);
  if (options.npz) await checkOutputPlace('--npz', options.npz);
  const dir = options.exportPytorch;
  if (dir === undefined) return;
  const parent = dirname(resolve(dir));
  const info = await stat(parent).catch(() => undefined);
  if (!info?.isDirectory()) throw new Error(`--export-pytorch ${dir}: the folder ${parent} does not exist`);
  const held = await readdir(dir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : undefined));
  if (held === undefined) throw new Error(`--export-pytorch ${dir}: is a file, or cannot be read`);
  if (held.length > 0) throw new Error(`--export-pytorch ${dir}: the folder already holds files; give a new or empty one`);
}

/** Writes what the options ask for; `model()` builds the model file only when the project needs it. */
export async function writeExports(
  options: CliOptions,
  net: Network,
  model: () => Promise<ModelFile>,
  data: IdxDataFiles | undefined,
  output: CliOutput,
): Promise<void> {
  if (options.safetensors) {
    await writeFileAtomic(options.safetensors, safetensorsBytes(networkTensors(net), { format: 'pt', producer: 'Fathom' }));
    output.say(`exported ${options.safetensors}`);
    output.emit({ type: 'exported', format: 'safetensors', file: options.safetensors });
  }
  if (options.npz) {
    await writeFileAtomic(options.npz, npzBytes(networkTensors(net)));
    output.say(`exported ${options.npz}`);
    output.emit({ type: 'exported', format: 'npz', file: options.npz });
  }
  if (options.exportPytorch) {
    const file = await model();
    const name = options.out ?? options.load ?? 'Fathom network';
    const files = pytorchProject({ file, net }, { name, appVersion: APP_VERSION, ...(data ? { data } : {}) });
    await writeFolder(options.exportPytorch, files);
    output.say(`exported a PyTorch project to ${options.exportPytorch} (python3 train.py --help)`);
    output.emit({ type: 'exported', format: 'pytorch', file: options.exportPytorch });
  }
}
