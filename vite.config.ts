import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { VitePWA } from 'vite-plugin-pwa';
import { API_CACHE, KEPT_API_ANSWERS } from './client/src/lib/appCacheRules.ts';

const serverPort = Number(process.env.PORT ?? 3000);
const serverTarget = `http://localhost:${serverPort}`;

// The SPA lives in client/ and is built into dist/client, which the Node server serves.
// In development Vite serves the SPA with hot reload and forwards the server's paths to it.
export default defineConfig({
  root: 'client',
  plugins: [
    vue(),
    // Opens offline (client/src/lib/appCache.ts): a Workbox service worker keeps the app's files at
    // install, serves its page for any address, and keeps the answers to GET /api requests for when
    // the network does not answer. Board documents are kept by y-indexeddb, not here.
    VitePWA({
      injectRegister: false,
      registerType: 'autoUpdate',
      manifest: false,
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,ico,woff,woff2}'],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/yjs\//, /^\/socket\.io\//, /^\/healthz/],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
        runtimeCaching: [
          {
            // GET only (Workbox's default); which answers, and why not the others: appCacheRules.ts.
            urlPattern: KEPT_API_ANSWERS,
            handler: 'NetworkFirst',
            options: {
              cacheName: API_CACHE,
              // Patchy signal: after this long, what was kept is shown rather than a spinner.
              networkTimeoutSeconds: 8,
              cacheableResponse: { statuses: [200] },
              expiration: { maxEntries: 300 },
            },
          },
        ],
      },
    }),
  ],
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
