import { onBeforeUnmount } from 'vue';
import { useBoardStore, type EditingRef } from '../stores/board.ts';

/**
 * Presence for one card or record: while focus is inside the element, everyone else sees that this
 * person is working on it. Bind `onFocusin` and `onFocusout` on the element that holds the record.
 */
export function useEditing(ref: () => EditingRef): {
  onFocusin: () => void;
  onFocusout: (event: FocusEvent) => void;
} {
  const board = useBoardStore();
  let active = false;
  const leave = (): void => {
    if (!active) return;
    active = false;
    board.setEditing(null);
  };
  onBeforeUnmount(leave);
  return {
    onFocusin: () => {
      active = true;
      board.setEditing(ref());
    },
    onFocusout: (event) => {
      const within = event.currentTarget instanceof Element && event.relatedTarget instanceof Node;
      if (!within || !(event.currentTarget as Element).contains(event.relatedTarget as Node)) leave();
    },
  };
}
