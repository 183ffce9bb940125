import './styles.css';
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import { component, registerComponents } from './components.ts';
import { router } from './router.ts';
import { addNhsukStyles } from './nhsukStyles.ts';

addNhsukStyles();

const app = createApp(component('App'));
registerComponents(app);
app.use(createPinia()).use(router).mount('#app');
