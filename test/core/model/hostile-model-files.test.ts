/**
 * Model files that are not what they claim (a FIFO, a link to /dev/zero, a file far larger than
 * any model or than its own spec needs), and the stepped parse that keeps a large model's load
 * from holding the event loop: each is refused by name, unread, or read in steps.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Network } from '../../../core/engine/network';
import { Rng } from '../../../core/engine/rng';
import type { NetworkSpec } from '../../../core/engine/spec';
import { DECODE_STEP } from '../../../core/model/base64-float32';
import { ModelFileError } from '../../../core/model/errors';
import { MAX_MODEL_FILE_BYTES, MODEL_OTHER_BYTES } from '../../../core/model/limits';
import { buildModelFile, readModelFile, validateModelFileStepped } from '../../../core/model/model-file';
import { loadModelFile, saveModelFile } from '../../../core/model/model-files';
import { parseLargeJson } from '../../../core/model/model-json';
import { tempFolder } from '../data/import/fixtures';
import { MiB, linkToDevZero, makeFifo, peakGrowth, sparseFile } from '../files/hostile';
import { trainedSmall } from './fixtures';
import { mnistSpec } from '../../fixtures/specs';

const folder = tempFolder('hostile-models');
afterAll(() => folder.remove());
const at = (name: string) => join(folder.path, name);

async function refusal(path: string): Promise<{ error: ModelFileError; growth: number }> {
  const { error, growth } = await peakGrowth(() => loadModelFile(path));
  expect(error).toBeInstanceOf(ModelFileError);
  return { error: error as ModelFileError, growth };
}

/** A 784-h-10 model with random weights: its first layer's base64 (125 KB for h = 30) is long enough to be cut out of the parse. */
function mnistSizedModel(hidden = 30): { text: string; net: Network } {
  const spec: NetworkSpec = mnistSpec({ hidden: [hidden] });
  const { meta } = trainedSmall();
  const net = Network.create(spec, new Rng(5));
  const file = buildModelFile(net, {
    ...meta,
    history: [],
    dataset: { ...meta.dataset, inputShape: [28, 28], classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] },
  });
  return { text: JSON.stringify(file), net };
}

describe('model files are read only when they are regular files of a size a model can have', () => {
  it('refuses a FIFO without waiting for a writer', { timeout: 60_000 }, async () => {
    const { error } = await refusal(makeFifo(at('pipe.fathom.json')));
    expect(error.code).toBe('not-a-file');
    expect(error.message).toMatch(/pipe\.fathom\.json: it is a named pipe \(FIFO\), not a regular file; nothing was read from it$/);
  });

  it('refuses a link to /dev/zero, unread', async () => {
    const { error, growth } = await refusal(linkToDevZero(at('zero.fathom.json')));
    expect(error.code).toBe('not-a-file');
    expect(error.message).toMatch(/zero\.fathom\.json: it is a character device, not a regular file/);
    expect(growth).toBeLessThan(16 * MiB);
  });

  it('refuses a file larger than the largest model before reading it', async () => {
    const { error, growth } = await refusal(sparseFile(at('huge.fathom.json'), 600 * MiB));
    expect(error.code).toBe('too-large');
    expect(error.message).toMatch(
      /huge\.fathom\.json: the file holds 600 MiB, more than the 38\d\.\d MiB a model file may \(50,000,000 parameters and its history\), so it was not read$/,
    );
    expect(MAX_MODEL_FILE_BYTES).toBeLessThan(600 * MiB);
    expect(growth).toBeLessThan(16 * MiB);
  });

  it('refuses a spec of more parameters than a model may hold, before decoding anything', async () => {
    const { text } = mnistSizedModel();
    const json = JSON.parse(text);
    json.spec.layers[0].units = 100_000;
    json.spec.layers.splice(1, 0, { units: 100_000, activation: 'sigmoid' });
    writeFileSync(at('giant-spec.fathom.json'), JSON.stringify(json));
    const { error } = await refusal(at('giant-spec.fathom.json'));
    expect(error.code).toBe('too-large');
    expect(error.message).toMatch(
      /its spec \(784-100000-100000-10\) has 10,079,600,010 parameters, more than the 50,000,000 a model file may hold$/,
    );
  });

  it('refuses a file far larger than its own spec needs, without making its long strings', async () => {
    const { text } = mnistSizedModel();
    const padding = Buffer.alloc(MODEL_OTHER_BYTES + MiB, 0x41);
    writeFileSync(at('padded.fathom.json'), Buffer.concat([Buffer.from(`${text.slice(0, -1)},"padding":"`), padding, Buffer.from('"}')]));
    const { error } = await refusal(at('padded.fathom.json'));
    expect(error.code).toBe('too-large');
    expect(error.message).toMatch(
      /the file holds 129\.\d MiB, more than its spec \(784-30-10\) can need: 1\d\d\.\d KiB of weights and biases plus at most 128 MiB/,
    );
  });
});

describe('a large model loads in steps, the same as the whole-text reader', () => {
  it('loads exactly what readModelFile reads', async () => {
    const { text, net } = mnistSizedModel();
    writeFileSync(at('mnist.fathom.json'), `\uFEFF${text}\n`);
    const loaded = await loadModelFile(at('mnist.fathom.json'));
    expect(loaded.file).toEqual(readModelFile(text).file);
    expect(Array.from(loaded.net.w[1]!)).toEqual(Array.from(Float32Array.from(net.w[1]!)));
  });

  it('pauses at least once per DECODE_STEP characters of base64 while checking the weights', async () => {
    const { text, net } = mnistSizedModel(400);
    let pauses = 0;
    const loaded = await validateModelFileStepped(JSON.parse(text), 'm', async () => {
      pauses++;
    });
    const chars = (JSON.parse(text) as { parameters: { weights: string; biases: string }[] }).parameters.reduce(
      (n, p) => n + p.weights.length + p.biases.length,
      0,
    );
    // One pause per layer at least, and one per DECODE_STEP characters: the longest hold is one step.
    expect(Math.floor(chars / DECODE_STEP)).toBeGreaterThanOrEqual(6);
    expect(pauses).toBeGreaterThanOrEqual(2 + Math.floor(chars / DECODE_STEP));
    expect(Array.from(loaded.net.w[1]!)).toEqual(Array.from(net.w[1]!));
  });

  it('gives the same errors as the whole-text reader, for the same damage', async () => {
    const { text } = mnistSizedModel();
    const damaged: Record<string, string> = {
      truncated: text.slice(0, Math.floor(text.length * 0.6)),
      'cut in the weights': text.slice(0, text.indexOf('"weights"') + 5000),
      empty: '  \n',
      'not json': 'PK\u0003\u0004 zip',
      'bad base64': text.replace(/"weights":"./, '"weights":"*'),
      'escape in a format': text.replace('"fathom-model"', '"\\u001b[2J"'),
    };
    for (const [name, content] of Object.entries(damaged)) {
      const path = at(`damaged-${name.replaceAll(' ', '-')}.fathom.json`);
      writeFileSync(path, content);
      let expected: ModelFileError | undefined;
      try {
        readModelFile(content, path);
      } catch (err) {
        expected = err as ModelFileError;
      }
      const { error } = await refusal(path);
      expect({ name, code: error.code, message: error.message }).toEqual({ name, code: expected!.code, message: expected!.message });
      expect(error.message).not.toMatch(/[\u0000-\u001f]/);
    }
  });
});

describe('parseLargeJson', () => {
  const pause = async () => undefined;
  const long = (char: string) => char.repeat(70_000);

  it('equals JSON.parse on long strings, escapes, keys, unicode and a long string alone', async () => {
    const values: unknown[] = [
      { a: long('A'), b: [long('B'), 1, null, true], c: { d: `x\\"${long('C')}` } },
      { [long('K')]: long('V'), short: 'é数😀', nested: [[long('N')]] },
      `${long('é')}`,
      [long('A'), `quote \\" inside ${long('q')}`, 'tab\t', { '': long('z') }],
      { __proto__long: long('p'), ['__proto__']: { polluted: true } },
    ];
    for (const value of values) {
      const text = JSON.stringify(value);
      expect((await parseLargeJson(Buffer.from(text), pause)).value).toEqual(JSON.parse(text));
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("gives JSON.parse's own error for a small text, and for a large one its position in the original text", async () => {
    const text = `{"a":"${long('A')}","b":tru}`;
    const exact = (() => {
      try {
        return JSON.parse(text);
      } catch (err) {
        return (err as Error).message;
      }
    })();
    await expect(parseLargeJson(Buffer.from(text), pause)).rejects.toThrow(exact);
    const mapped = `{"a":"${long('A')}","b":[1,2}`;
    const position = (message: string) => /position (\d+)/.exec(message)?.[1];
    const expected = (() => {
      try {
        return JSON.parse(mapped);
      } catch (err) {
        return (err as Error).message;
      }
    })();
    const got = (await parseLargeJson(Buffer.from(mapped), pause, { exactErrorsBelow: 0 }).catch((err: Error) => err.message)) as string;
    expect(position(expected)).toBe(String(mapped.length - 1));
    expect(position(got)).toBe(position(expected));
  });
});

describe('saves', () => {
  it('sweep what a crashed save of the same name left, and nothing else', async () => {
    const dir = at('saves');
    mkdirSync(dir);
    const dead = 4_194_999;
    const leftovers = [`.m.fathom.json.${dead}.0123456789ab.fathom-tmp`, `.m.fathom.json.${dead}.0123456789ab.tmp`];
    const other = `.other.fathom.json.${dead}.0123456789ab.fathom-tmp`;
    for (const name of [...leftovers, other]) writeFileSync(join(dir, name), '{"cut');
    const { net, meta } = trainedSmall();
    await saveModelFile(join(dir, 'm.fathom.json'), buildModelFile(net, meta));
    expect(readdirSync(dir).sort()).toEqual(['m.fathom.json', other].sort());
  });
});
