import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 6000,
    // bench/browser/bench.html is the browser half of `npm run bench:engine` and
    // `bench:landscape` (served at bench/browser/bench.html); it ships nothing to the app.
    rollupOptions: { input: { main: 'index.html', bench: 'bench/browser/bench.html' } },
  },
  preview: { port: 5173 },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
