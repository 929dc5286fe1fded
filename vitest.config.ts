import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';
import { alias } from './electron.vite.config';

export default defineConfig({
  plugins: [vue()],
  resolve: { alias },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    environment: 'node',
    // Guards against hangs, not speed targets: a test that trains on MNIST takes ~10 s on a quiet
    // machine and several times that at a load of 7+ (tests wait for events; benchmarks time things).
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // Two cores: run test files one worker at a time so MNIST runs don't fight each other.
    maxWorkers: 2,
  },
});
