import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importImageFolder } from '../../../../core/data/import/images';
import { resizeGrey, rgbaToGrey } from '../../../../core/data/import/pixels';
import { expectDataError, tempFolder, writePng, writeText } from './fixtures';

const folder = tempFolder('images');
afterAll(() => folder.remove());
let made = 0;
/** A new folder holding `classes` sub-folders of `perClass` w×h PNGs each. */
function imageFolder(classes: string[], perClass: number, w = 4, h = 3): string {
  const root = join(folder.path, `set${++made}`);
  classes.forEach((name, c) => {
    for (let i = 0; i < perClass; i++) writePng(join(root, name, `${i}.png`), w, h, (x, y) => (c * 100 + x + y * w) % 256);
  });
  return root;
}

describe('pixels', () => {
  it('turns RGBA grey by luma weights and notices transparency', () => {
    const rgba = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 128, 10, 10, 10, 255]);
    const { grey, transparent } = rgbaToGrey(rgba);
    expect(Array.from(grey)).toEqual([76, 150, 29, 10]);
    expect(transparent).toBe(true);
  });

  it('resizes by averaging the area each pixel covers', () => {
    const src = new Uint8Array([0, 100, 200, 100, 0, 100, 200, 100, 10, 10, 10, 10, 30, 30, 30, 30]); // 4×4
    expect(Array.from(resizeGrey(src, 4, 4, 2, 2))).toEqual([50, 150, 20, 20]);
    expect(Array.from(resizeGrey(new Uint8Array([7, 9]), 2, 1, 4, 2))).toEqual([7, 7, 9, 9, 7, 7, 9, 9]);
    expect(Array.from(resizeGrey(src, 4, 4, 4, 4))).toEqual(Array.from(src));
  });
});

describe('importImageFolder', () => {
  it('reads one sub-folder per class, in natural order, as grey images', async () => {
    const root = imageFolder(['cat', 'dog', 'bird10', 'bird9'], 2);
    writeText(join(root, 'cat', 'README.txt'), 'not an image');
    writePng(join(root, 'dog', '9.png'), 4, 3, () => 200, { colour: true });
    const progress: number[] = [];
    const data = await importImageFolder({ format: 'image-folder', folder: root }, { onProgress: (f) => progress.push(f) });
    expect(data).toMatchObject({
      format: 'image-folder',
      kind: 'classification',
      inputShape: [3, 4],
      classes: ['bird9', 'bird10', 'cat', 'dog'],
    });
    expect(data.parts.train.count).toBe(9);
    expect(Array.from(data.parts.train.labels!)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 3]);
    // bird9 is class 3 of the writer: pixel (x, y) = (300 + x + 4y) mod 256.
    expect(Array.from(data.parts.train.inputs.subarray(0, 12))).toEqual(Array.from({ length: 12 }, (_, k) => (300 + k) % 256));
    // The green-only PNG: grey = 0.587 × 200.
    expect(data.parts.train.inputs[8 * 12]).toBe(117);
    expect(data.files.map((f) => f.name)).toEqual(['bird9/', 'bird10/', 'cat/', 'dog/']);
    expect(data.notes.join(' ')).toMatch(/Ignored 1 entries that are not PNG files: cat\/README\.txt/);
    expect(progress.at(-1)).toBe(1);
  });

  it('resizes images of other sizes when a size is given, and says so', async () => {
    const root = imageFolder(['a', 'b'], 1, 8, 8);
    writePng(join(root, 'b', 'big.png'), 16, 16, () => 90);
    const data = await importImageFolder({ format: 'image-folder', folder: root, size: { width: 8, height: 8 } });
    expect(data.inputShape).toEqual([8, 8]);
    expect(data.parts.train.count).toBe(3);
    expect(Array.from(data.parts.train.inputs.subarray(2 * 64, 3 * 64))).toEqual(new Array(64).fill(90));
    expect(data.notes.join(' ')).toMatch(/Resized 1 of 3 images to 8×8 pixels/);
  });

  it('takes the split from train/ and test/ folders', async () => {
    const root = join(folder.path, 'split');
    for (const part of ['train', 'test']) {
      for (const name of ['x', 'y']) writePng(join(root, part, name, '1.png'), 2, 2, () => (name === 'x' ? 0 : 255));
    }
    writePng(join(root, 'train', 'x', '2.png'), 2, 2, () => 0);
    const data = await importImageFolder({ format: 'image-folder', folder: root });
    expect(data.classes).toEqual(['x', 'y']);
    expect(data.parts.train.count).toBe(3);
    expect(data.parts.test?.count).toBe(2);
    expect(Array.from(data.parts.test!.labels!)).toEqual([0, 1]);
  });

  it('refuses mixed sizes, empty classes, a single class, other image types and broken PNGs', async () => {
    const mixed = imageFolder(['a', 'b'], 2);
    writePng(join(mixed, 'b', '5.png'), 5, 3, () => 0);
    await expectDataError(
      importImageFolder({ format: 'image-folder', folder: mixed }),
      'bad-dimensions',
      /^b\/5\.png: expected 4×3 pixels like a\/0\.png, found 5×3/,
    );

    const empty = imageFolder(['a', 'b'], 1);
    mkdirSync(join(empty, 'c'));
    await expectDataError(
      importImageFolder({ format: 'image-folder', folder: empty }),
      'empty-class',
      /^c\/: expected PNG images in the folder of class 'c', found none/,
    );

    await expectDataError(
      importImageFolder({ format: 'image-folder', folder: imageFolder(['only'], 2) }),
      'empty-class',
      /expected at least 2 class folders, found 1 \('only'\)/,
    );

    const jpeg = imageFolder(['a', 'b'], 1);
    writeFileSync(join(jpeg, 'a', 'photo.JPG'), 'jpeg');
    await expectDataError(
      importImageFolder({ format: 'image-folder', folder: jpeg }),
      'bad-image',
      /a\/photo\.JPG: expected PNG images, found a \.jpg file/,
    );

    const broken = imageFolder(['a', 'b'], 1);
    writeFileSync(join(broken, 'b', '1.png'), 'not a png');
    await expectDataError(
      importImageFolder({ format: 'image-folder', folder: broken }),
      'bad-image',
      /^b\/1\.png: expected a PNG image, found it does not decode/,
    );
  });
});
