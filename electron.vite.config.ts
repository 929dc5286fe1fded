import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

/** `@core/…` and `@renderer/…` instead of deep relative paths (electron-vite's convention); the same in vitest.config.ts and tsconfig.base.json. */
export const alias = { '@core': resolve(__dirname, 'core'), '@renderer': resolve(__dirname, 'renderer/src') };

// Our layout is electron/ + renderer/ + core/ rather than electron-vite's default src/*.
export default defineConfig({
  main: {
    resolve: { alias },
    build: {
      outDir: 'out/main',
      rollupOptions: { input: { main: resolve(__dirname, 'electron/main.ts') } },
    },
  },
  preload: {
    resolve: { alias },
    build: {
      outDir: 'out/preload',
      // A sandboxed preload can require only 'electron': bundle what it imports (zod, with the verb table of core/lab/verbs.ts).
      externalizeDeps: false,
      // A sandboxed preload cannot be an ES module.
      rollupOptions: {
        input: { preload: resolve(__dirname, 'electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    resolve: { alias },
    plugins: [vue()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } },
    },
  },
});
