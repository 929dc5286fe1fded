/** --export-pytorch, --safetensors and --npz as typed: names checked (exit 2) before anything is loaded. */
import { resolve } from 'node:path';
import type { CliOptions } from './args';
import { CliError } from './errors';
import { checkOutputName } from './out-paths';

type ExportFlags = Partial<Record<'export-pytorch' | 'safetensors' | 'npz' | 'out' | 'onnx' | 'weights' | 'load', string | boolean>>;

export function parseExportFlags(v: ExportFlags, options: CliOptions): void {
  if (typeof v.weights === 'string') {
    if (v.weights.trim() === '') throw new CliError('--weights: expected a file name, got an empty one');
    if (v.load !== undefined)
      throw new CliError('--weights starts a new design from given weights; --load opens a whole model: give one of them');
    options.weights = v.weights;
  }
  const dir = v['export-pytorch'];
  if (typeof dir === 'string') {
    if (dir.trim() === '') throw new CliError('--export-pytorch: expected a folder name, got an empty one');
    options.exportPytorch = dir;
  }
  for (const flag of ['safetensors', 'npz'] as const) {
    const path = v[flag];
    if (typeof path !== 'string') continue;
    checkOutputName(`--${flag}`, path);
    options[flag] = path;
  }
  const files = (['out', 'onnx', 'safetensors', 'npz'] as const).filter((f) => typeof v[f] === 'string');
  for (let i = 0; i < files.length; i++)
    for (let j = i + 1; j < files.length; j++)
      if (resolve(v[files[i]!] as string) === resolve(v[files[j]!] as string))
        throw new CliError(`--${files[i]} and --${files[j]} name the same file`);
}

export const exportsAsked = (options: CliOptions): boolean =>
  options.exportPytorch !== undefined || options.safetensors !== undefined || options.npz !== undefined;
