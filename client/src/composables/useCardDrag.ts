import { ref, type Ref } from 'vue';

/**
 * Moving cards between columns with a pointer (HTML5 drag and drop). Keyboard and screen reader users
 * move the same cards with each card's own controls; this is the pointer's way of doing the same.
 * `kind` keeps kinds of card apart: an action cannot be dropped on a pathway stage.
 */
const typeOf = (kind: string): string => `application/x-huddle-${kind}`;

/** Attributes and listeners for a card that can be picked up. */
export function cardDrag(
  kind: string,
  id: string,
): { draggable: 'true'; onDragstart: (event: DragEvent) => void } {
  return {
    draggable: 'true',
    onDragstart: (event: DragEvent) => {
      if (!event.dataTransfer) return;
      event.dataTransfer.setData(typeOf(kind), id);
      event.dataTransfer.setData('text/plain', id);
      event.dataTransfer.effectAllowed = 'move';
    },
  };
}

/**
 * A column cards of `kind` can be dropped on; `over` is true while one is held over it. Bind the
 * listeners with `v-bind="listeners"` (their keys are `onDragover`...), not `v-on`, which would
 * look for events named `onDragover` and never fire.
 */
export function useDropTarget(
  kind: string,
  onDrop: (id: string) => void,
): {
  over: Ref<boolean>;
  listeners: {
    onDragover: (event: DragEvent) => void;
    onDragleave: (event: DragEvent) => void;
    onDrop: (event: DragEvent) => void;
  };
} {
  const over = ref(false);
  const accepts = (event: DragEvent): boolean => event.dataTransfer?.types.includes(typeOf(kind)) ?? false;
  return {
    over,
    listeners: {
      onDragover: (event) => {
        if (!accepts(event)) return;
        event.preventDefault();
        if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
        over.value = true;
      },
      onDragleave: (event) => {
        const target = event.currentTarget;
        if (
          target instanceof Element &&
          event.relatedTarget instanceof Node &&
          target.contains(event.relatedTarget)
        )
          return;
        over.value = false;
      },
      onDrop: (event) => {
        over.value = false;
        const id = event.dataTransfer?.getData(typeOf(kind));
        if (!id) return;
        event.preventDefault();
        onDrop(id);
      },
    },
  };
}
