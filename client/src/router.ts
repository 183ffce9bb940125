import { createRouter, createWebHistory } from 'vue-router';
import BoardView from './views/BoardView.vue';
import BoardsView from './views/BoardsView.vue';
import NotFoundView from './views/NotFoundView.vue';
import { adminRoutes } from './adminRoutes.ts';

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'boards', component: BoardsView, meta: { title: 'Boards' } },
    {
      path: '/boards/:id',
      name: 'board',
      component: BoardView,
      props: true,
      meta: { title: 'Board' },
    },
    ...adminRoutes,
    {
      path: '/:pathMatch(.*)*',
      name: 'not-found',
      component: NotFoundView,
      meta: { title: 'Page not found' },
    },
  ],
});

router.afterEach((to) => {
  const title = typeof to.meta.title === 'string' ? to.meta.title : undefined;
  document.title = title ? `${title} - Huddle` : 'Huddle';
});
