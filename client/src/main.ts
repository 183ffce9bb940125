import 'nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css';
import './styles.css';
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { installSessionGuard, router } from './router.ts';
import { registerAppCache } from './api/appCache.ts';
import { revealApp } from './lib/board/keptViews.ts';

// First, so that what the page reads before the service worker takes charge is noted (api/appCache.ts).
registerAppCache();
/** The longest a view kept from last time shows in place of the app. */
const KEPT_VIEW_LONGEST_MS = 10_000;
const app = createApp(App).use(createPinia());
installSessionGuard(router);
// A board as last seen shows until its page has drawn the board (composables/useKeptView.ts);
// any other page, or a board page that never draws, takes its place at once or in a few seconds.
router.afterEach((to) => {
  if (!to.path.startsWith('/boards/')) revealApp();
});
setTimeout(revealApp, KEPT_VIEW_LONGEST_MS);
app.use(router).mount('#app');
