import { computed, nextTick, ref, useId, type Ref, type ShallowRef } from 'vue';
import { mentionCandidates, mentionQuery, type Mentionable } from '#shared/board/comment';
import { matchesMessage, withMention } from '../lib/board/comments.ts';

/** How many people the list offers at once: typing more of a name narrows it. */
const OPTIONS_SHOWN = 6;

/**
 * The `@` list of a text box: typing `@` and the start of a name offers the team members it fits,
 * under the box. ArrowDown and ArrowUp move the highlighted option (none is highlighted until then,
 * so Enter keeps making a new line), Enter or Tab picks it, putting `@Full Name ` in place of what was
 * typed with the caret after it; Escape closes the list and nothing else (not the dialog around it).
 * The box stays focused throughout: it names the list (`aria-controls`) and points at the
 * highlighted option (`aria-activedescendant`); `announcement` says how many people match, for a
 * polite live region, which is how a screen reader user hears that the list opened. (`expanded` is
 * for showing the list: ARIA does not allow `aria-expanded` on a textarea, nor the combobox role.)
 */
export function useMentionList<M extends Mentionable>(options: {
  text: Ref<string>;
  element: Readonly<ShallowRef<HTMLTextAreaElement | null>>;
  team: () => readonly M[];
}) {
  const listId = `mention-list-${useId()}`;
  const query = ref<{ start: number; query: string } | null>(null);
  /** Where the `@` was when Escape closed its list: it stays closed until another `@` is typed. */
  const dismissedAt = ref<number | null>(null);
  const active = ref(-1);

  const candidates = computed<M[]>(() =>
    query.value ? mentionCandidates(options.team(), query.value.query, OPTIONS_SHOWN) : [],
  );
  const expanded = computed(
    () => query.value !== null && query.value.start !== dismissedAt.value && candidates.value.length > 0,
  );
  const optionId = (index: number): string => `${listId}-${index}`;
  const activeId = computed(() =>
    expanded.value && active.value >= 0 && active.value < candidates.value.length
      ? optionId(active.value)
      : undefined,
  );
  /** How many match while the list is open, or that nobody does while a name is still being typed. */
  const announcement = computed(() => {
    if (expanded.value) return matchesMessage(candidates.value.length);
    const typing = query.value && query.value.start !== dismissedAt.value && !/\s/.test(query.value.query);
    return typing ? matchesMessage(0) : '';
  });

  /** Follows the text and caret after typing, a click or moving the caret. */
  function update(): void {
    const element = options.element.value;
    if (!element) return;
    const caret = element.selectionStart === element.selectionEnd ? element.selectionStart : null;
    const next = caret === null ? null : mentionQuery(options.text.value, caret);
    if (next?.start !== query.value?.start || next?.query !== query.value?.query) active.value = -1;
    if (next?.start !== dismissedAt.value) dismissedAt.value = null;
    query.value = next;
  }

  /** Closes the list until another `@` is typed. */
  function close(): void {
    if (query.value) dismissedAt.value = query.value.start;
    active.value = -1;
  }

  /** Focus left the box: the list goes, and comes back with the next keystroke there. */
  function hide(): void {
    query.value = null;
    active.value = -1;
  }

  /** Puts `@Full Name ` in place of the `@query` being typed, the caret after it, the box focused. */
  async function pick(member: M): Promise<void> {
    const element = options.element.value;
    if (!query.value || !element) return;
    const caret = element.selectionStart;
    const next = withMention(options.text.value, query.value.start, caret, member.name);
    options.text.value = next.text;
    // The name just put in is not the start of another mention.
    close();
    await nextTick();
    element.focus();
    element.setSelectionRange(next.caret, next.caret);
  }

  /** Highlights an option, scrolling the list to it when it is out of sight. */
  function highlight(index: number): void {
    active.value = index;
    void nextTick(() => document.getElementById(optionId(index))?.scrollIntoView({ block: 'nearest' }));
  }

  /** The box's keydown: true when the list used the key (the caller then does nothing else with it). */
  function onKeydown(event: KeyboardEvent): boolean {
    if (!expanded.value || event.altKey || event.ctrlKey || event.metaKey) return false;
    const count = candidates.value.length;
    const use = (): true => {
      event.preventDefault();
      event.stopPropagation();
      return true;
    };
    switch (event.key) {
      case 'ArrowDown':
        highlight((active.value + 1) % count);
        return use();
      case 'ArrowUp':
        highlight(active.value <= 0 ? count - 1 : active.value - 1);
        return use();
      case 'Enter':
      case 'Tab': {
        const member = candidates.value[active.value];
        if (!member || event.shiftKey) return false;
        void pick(member);
        return use();
      }
      case 'Escape':
        close();
        return use();
      default:
        return false;
    }
  }

  return {
    listId,
    candidates,
    expanded,
    active,
    activeId,
    optionId,
    announcement,
    update,
    close,
    hide,
    pick,
    onKeydown,
  };
}
