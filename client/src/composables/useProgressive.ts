import { computed, onBeforeUnmount, ref, watch, type ComputedRef } from 'vue';

/**
 * A long list shown a part at a time: the first `first` items at once, then `step` more after each
 * frame the browser has painted, until all are there. The top of the list appears without waiting
 * for the whole of it (a thousand goals), and the page stays responsive meanwhile.
 */
export function useProgressive<T>(
  items: () => readonly T[],
  first = 30,
  step = 30,
): { visible: ComputedRef<readonly T[]>; complete: ComputedRef<boolean> } {
  const shown = ref(first);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let frame: number | undefined;

  const schedule = (): void => {
    if (timer !== undefined || frame !== undefined || shown.value >= items().length) return;
    // After the next paint: a timer queued from a frame callback runs once that frame is on screen.
    frame = requestAnimationFrame(() => {
      frame = undefined;
      timer = setTimeout(() => {
        timer = undefined;
        shown.value += step;
        schedule();
      });
    });
  };

  watch(() => items().length, schedule, { immediate: true });
  onBeforeUnmount(() => {
    if (frame !== undefined) cancelAnimationFrame(frame);
    clearTimeout(timer);
  });

  return {
    visible: computed(() => {
      const all = items();
      return all.length <= shown.value ? all : all.slice(0, shown.value);
    }),
    complete: computed(() => shown.value >= items().length),
  };
}
