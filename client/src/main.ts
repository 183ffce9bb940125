import 'nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css';
import './styles.css';
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { installSessionGuard, router } from './router.ts';
import { registerAppCache } from './api/appCache.ts';

// First, so that what the page reads before the service worker takes charge is noted (api/appCache.ts).
registerAppCache();
const app = createApp(App).use(createPinia());
installSessionGuard(router);
app.use(router).mount('#app');
