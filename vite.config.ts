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
    // The browser's Host header goes through unchanged (changeOrigin: false): the server accepts
    // state-changing calls and sockets only from the site's own origin, which is Vite's here.
    proxy: {
      '/api': { target: serverTarget, changeOrigin: false },
      '/healthz': { target: serverTarget, changeOrigin: false },
      '/socket.io': { target: serverTarget, ws: true, changeOrigin: false },
      '/yjs': { target: serverTarget, ws: true, changeOrigin: false },
    },
  },
});
