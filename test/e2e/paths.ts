import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const OUT_RENDERER = join(ROOT, 'out/renderer');
export const SCREENS = join(ROOT, 'test-results/screens');
