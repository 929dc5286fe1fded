/** `node --import ./register.mjs main.js`: runs a built main process with the stand-in Electron of fake-electron.mjs. */
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
