import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { VitePWA } from 'vite-plugin-pwa';
import { compression } from 'vite-plugin-compression2';
import { fileURLToPath } from 'node:url';
import type { Plugin as PostcssPlugin } from 'postcss';
import type { Plugin } from 'vite';
import purgeCss from '@fullhuman/postcss-purgecss';
import { API_CACHE, KEPT_API_ANSWERS } from './client/src/lib/appCacheRules.ts';

const clientDir = fileURLToPath(new URL('./client/', import.meta.url));

/**
 * nhsuk-frontend's stylesheet, cut to the rules whose classes the client uses: all of it is 305 KB,
 * which the browser parses before it runs the app's scripts (60 ms on a first load here) and matches
 * against at every style update. A rule is kept when every class it names appears somewhere in the
 * client's page, components or scripts (PurgeCSS reads them as words, so a class in a string or a
 * ternary counts); a class put together at run time (`'nhsuk-tag--' + colour`) would not be found,
 * so the client spells out whole class names. Only this stylesheet is cut: the app's own styles
 * are its own.
 */
const purgeNhsuk = purgeCss({
  content: [`${clientDir}index.html`, `${clientDir}src/**/*.{vue,ts}`],
});
const nhsukUsedRules: PostcssPlugin = {
  postcssPlugin: 'huddle-nhsuk-used-rules',
  async OnceExit(root, helpers) {
    if (!root.source?.input.file?.includes('/nhsuk-frontend/')) return;
    await (purgeNhsuk as PostcssPlugin).OnceExit?.(root, helpers);
  },
};

const serverPort = Number(process.env.PORT ?? 3000);
const serverTarget = `http://localhost:${serverPort}`;

/**
 * The built page asks for its stylesheet before its scripts. Vite puts the stylesheet's link after
 * the script and its thirteen preloads, so the service worker answered it last, while the page
 * can run no script (the board as last seen among them: lib/board/keptViews.ts) and paint nothing
 * until it has it.
 */
const stylesheetFirst: Plugin = {
  name: 'huddle-stylesheet-first',
  apply: 'build',
  transformIndexHtml: {
    order: 'post',
    handler(html) {
      const links = html.match(/<link rel="stylesheet"[^>]*>\n?/g) ?? [];
      if (links.length === 0) return html;
      let rest = html;
      for (const link of links) rest = rest.replace(link, '');
      return rest.replace(
        /(\s*)<script type="module"/,
        `$1${links.join('$1').trimEnd()}$1<script type="module"`,
      );
    },
  },
};

/**
 * The built page asks for the app's scripts once a board drawn into it (by the server, or as last seen:
 * `index.html`) is on screen. Fetched and compiled meanwhile, on a machine of two cores, they held up
 * that first paint by about 100 ms, while the app that takes its place is ready about 50 ms later for
 * waiting. A page that will show no such board (the server drew none and none is kept for its address)
 * asks for them at once from the head, as Vite's own tags would; one whose kept view turns out not to
 * be shown (too old, another version's) asks once the body's script has said so. The entry script and
 * the modules it needs first (Vite's `modulepreload` links) are asked for together. The key read is
 * the kept views' (`lib/board/keptViews.ts`), as `index.html`'s own script reads it.
 */
const appAfterFirstPaint: Plugin = {
  name: 'huddle-app-after-first-paint',
  apply: 'build',
  transformIndexHtml: {
    order: 'post',
    handler(html) {
      const entry = /\s*<script type="module" crossorigin src="([^"]+)"><\/script>/.exec(html);
      if (!entry) throw new Error('huddle-app-after-first-paint: no entry script in the built page');
      const preloads = [...html.matchAll(/\s*<link rel="modulepreload" crossorigin href="([^"]+)">/g)];
      let rest = html.replace(entry[0], '');
      for (const preload of preloads) rest = rest.replace(preload[0], '');
      const scripts = JSON.stringify([...preloads.map((p) => p[1]), entry[1]]);
      const head = `<script>
      // The app's scripts (vite.config.ts, appAfterFirstPaint): at once unless a board will be drawn here.
      (function () {
        var loaded = false;
        window.huddleLoadApp = function () {
          if (loaded) return;
          loaded = true;
          var scripts = ${scripts};
          scripts.forEach(function (src, i) {
            var entry = i === scripts.length - 1;
            var tag = document.createElement(entry ? 'script' : 'link');
            if (entry) tag.type = 'module';
            else tag.rel = 'modulepreload';
            tag.crossOrigin = '';
            tag[entry ? 'src' : 'href'] = src;
            document.head.appendChild(tag);
          });
        };
        var kept = null;
        try {
          kept = localStorage.getItem('huddle-view:' + location.pathname);
        } catch (e) {
          // No storage: no kept view either.
        }
        if (kept === null && !document.documentElement.hasAttribute('data-first-view')) huddleLoadApp();
      })();
    </script>
    `;
      const body = `<script>
      // Once the board drawn above is on screen (a page in a background tab paints no frame: a second).
      if (window.huddleKeptView) {
        requestAnimationFrame(function () {
          setTimeout(huddleLoadApp);
        });
        setTimeout(huddleLoadApp, 1000);
      } else huddleLoadApp();
    </script>
  </body>`;
      return rest
        .replace(/<link rel="stylesheet"/, () => `${head}<link rel="stylesheet"`)
        .replace(/\s*<\/body>/, () => `\n    ${body}`);
    },
  },
};

// The SPA lives in client/ and is built into dist/client, which the Node server serves.
// In development Vite serves the SPA with hot reload and forwards the server's paths to it.
export default defineConfig(({ command, isSsrBuild }) => ({
  root: 'client',
  plugins: [
    vue(),
    stylesheetFirst,
    appAfterFirstPaint,
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
    // Each built script, stylesheet and page over 1 KB gets a gzip and a Brotli copy beside it, which
    // the server sends to a browser that takes one (`preCompressed` in server/src/http/app.ts): the
    // 716 KB of scripts and styles a first visit to a board needs are 183 KB as Brotli. Compressed once
    // here rather than by the server on each request.
    compression({ algorithms: ['gzip', 'brotliCompress'], threshold: 1024 }),
  ],
  // At build only: the development server would keep the cut it made at start, so a class newly
  // written into a component would have no style until it restarted.
  ...(command === 'build' ? { css: { postcss: { plugins: [nhsukUsedRules] } } } : {}),
  // `vite build --ssr src/firstView.ts`: the app for the server to draw a board page's first view in
  // (client/src/firstView.ts), beside the client and not served with it.
  build: isSsrBuild
    ? { outDir: '../dist/first-view', emptyOutDir: true }
    : {
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
}));
