import { createRouter, createWebHistory } from 'vue-router';
import { component } from './components.ts';

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'boards', component: component('BoardsView'), meta: { title: 'Boards' } },
    {
      path: '/boards/:id',
      name: 'board',
      component: component('BoardView'),
      props: true,
      meta: { title: 'Board' },
    },
    {
      path: '/:pathMatch(.*)*',
      name: 'not-found',
      component: component('NotFoundView'),
      meta: { title: 'Page not found' },
    },
  ],
});

router.afterEach((to) => {
  const title = typeof to.meta.title === 'string' ? to.meta.title : undefined;
  document.title = title ? `${title} - Huddle` : 'Huddle';
});
