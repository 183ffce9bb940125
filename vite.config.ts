import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const serverPort = Number(process.env.PORT ?? 3000);
const serverTarget = `http://localhost:${serverPort}`;

// The SPA lives in client/ and is built into dist/client, which the Node server serves.
// In development Vite serves the SPA with hot reload and forwards the server's paths to it.
export default defineConfig({
  root: 'client',
  plugins: [vue()],
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    // nhsuk-frontend's stylesheet keeps old IE hacks (`@media screen\0`) that lightningcss refuses;
    // esbuild minifies it as it is.
    cssMinify: 'esbuild',
  },
  server: {
    port: Number(process.env.VITE_PORT ?? 5173),
    proxy: {
      '/api': serverTarget,
      '/healthz': serverTarget,
      '/socket.io': { target: serverTarget, ws: true },
      '/yjs': { target: serverTarget, ws: true },
    },
  },
});
