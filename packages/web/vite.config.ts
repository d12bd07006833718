import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev -w @pharos/web` proxies the APIs to a Pharos on its default port.
const PHAROS_URL = 'http://127.0.0.1:4400';

export default defineConfig({
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: { proxy: { '/pharos': PHAROS_URL, '/api': PHAROS_URL } },
});
