/**
 * The example model Inspect offers on first launch, so a newcomer has something to look at before
 * training anything: Nielsen's 784-30-10 (sigmoid, quadratic cost, η = 3, batch 10) trained for 10
 * epochs with seed 1 by the command-line trainer (94.7 % on the test set). Made again with:
 *   npm run train -- --layers 784,30,10 --epochs 10 --seed 1 --out core/service/models/example/nielsen-784-30-10.fathom.json
 * The bundled app passes the copy electron-vite emits next to the main bundle.
 */
import { fileURLToPath } from 'node:url';

export const EXAMPLE_MODEL_PATH = fileURLToPath(new URL('./example/nielsen-784-30-10.fathom.json', import.meta.url));
