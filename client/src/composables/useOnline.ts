import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue';

/** Whether the browser says it has a network connection, kept up to date. */
export function useOnline(): Ref<boolean> {
  const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine);
  const update = () => {
    online.value = navigator.onLine;
  };
  onMounted(() => {
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
  });
  onBeforeUnmount(() => {
    window.removeEventListener('online', update);
    window.removeEventListener('offline', update);
  });
  return online;
}
