import { computed, onBeforeUnmount, ref, watch, type ComputedRef } from 'vue';

/**
 * A long list shown a part at a time: the first `first` items at once, then `step` more after each
 * frame the browser has painted, until all are there. The top of the list appears without waiting
 * for the whole of it (a thousand goals), and the page stays responsive meanwhile. An item `keep`
 * says yes to (a card someone has just moved or linked to) is shown at once wherever it is in the
 * list, with every item before it, so that what is drawn next does not push it out of sight; and
 * `drawAll` shows the rest at once (before focus goes to an item further down).
 */
export function useProgressive<T>(
  items: () => readonly T[],
  first = 30,
  step = 30,
  keep?: (item: T) => boolean,
): { visible: ComputedRef<readonly T[]>; complete: ComputedRef<boolean>; drawAll: () => void } {
  const shown = ref(first);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let frame: number | undefined;

  const stop = (): void => {
    if (frame !== undefined) cancelAnimationFrame(frame);
    clearTimeout(timer);
    frame = undefined;
    timer = undefined;
  };
  const schedule = (): void => {
    // The server's drawing of a first view (firstView.ts) holds the first part only.
    if (import.meta.env.SSR) return;
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
  onBeforeUnmount(stop);

  return {
    visible: computed(() => {
      const all = items();
      if (all.length <= shown.value) return all;
      // Everything down to the last item kept, so that what is drawn next does not push it away.
      const lastKept = keep ? all.findLastIndex(keep) : -1;
      return all.slice(0, Math.max(shown.value, lastKept + 1));
    }),
    complete: computed(() => shown.value >= items().length),
    drawAll: () => {
      stop();
      shown.value = Infinity;
    },
  };
}
