import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // End-to-end tests start real clients against local fakes; a loaded 2-core machine needs room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
