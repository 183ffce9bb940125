import { onBeforeUnmount, ref, watch, type Ref } from 'vue';

/** Which of a row's items are out of sight to either side of it. */
export interface SidewaysOverflow {
  /** Items wholly or partly out of sight to the left (before) and right (after). */
  before: number;
  after: number;
  total: number;
}

/**
 * How much of a sideways-scrolling row (the pathway's columns) is out of sight, kept up as it
 * scrolls and resizes, so a view can say so and offer buttons that bring the rest into view.
 */
export function useSidewaysOverflow(row: Readonly<Ref<HTMLElement | null>>) {
  const overflow = ref<SidewaysOverflow>({ before: 0, after: 0, total: 0 });
  let observer: ResizeObserver | null = null;

  function measure(): void {
    const element = row.value;
    if (!element) return;
    const box = element.getBoundingClientRect();
    let before = 0;
    let after = 0;
    for (const item of element.children) {
      const { left, right } = item.getBoundingClientRect();
      if (left < box.left - 1) before += 1;
      else if (right > box.right + 1) after += 1;
    }
    const next = { before, after, total: element.children.length };
    const now = overflow.value;
    if (now.before !== next.before || now.after !== next.after || now.total !== next.total)
      overflow.value = next;
  }

  /** Scrolls the row by about one item towards the start (-1) or the end (1). */
  function scrollBy(direction: -1 | 1): void {
    const element = row.value;
    const first = element?.firstElementChild;
    if (!element || !first) return;
    const reduced = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
    element.scrollBy({
      left: direction * first.getBoundingClientRect().width,
      behavior: reduced ? 'auto' : 'smooth',
    });
  }

  watch(
    row,
    (element, old) => {
      old?.removeEventListener('scroll', measure);
      observer?.disconnect();
      if (!element) return;
      element.addEventListener('scroll', measure, { passive: true });
      observer = new ResizeObserver(measure);
      observer.observe(element);
      for (const item of element.children) observer.observe(item);
      measure();
    },
    { flush: 'post', immediate: true },
  );

  onBeforeUnmount(() => {
    row.value?.removeEventListener('scroll', measure);
    observer?.disconnect();
  });

  return { overflow, measure, scrollBy };
}
