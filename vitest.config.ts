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
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: run test files one worker at a time so MNIST runs don't fight each other.
    maxWorkers: 2,
  },
});
