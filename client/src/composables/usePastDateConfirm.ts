import { computed, ref, type ComputedRef } from 'vue';
import { todayIsoDate } from '#shared/board/record';
import { isPastDateToConfirm } from '../lib/dates.ts';

/**
 * The confirm step of a form whose date has already passed (an action's due date, a goal's target
 * date): neither a silent save nor a refusal. `check` before saving says whether to go ahead; when
 * not, `warning` holds the date to show the warning for until the person confirms it (`confirm`, then
 * save again) or changes the date, which takes the warning away. `before` is the date the record
 * already has: keeping it needs no confirmation.
 */
export function usePastDateConfirm(
  date: () => string,
  before: () => string | null = () => null,
): {
  warning: ComputedRef<string | null>;
  check: () => boolean;
  confirm: () => void;
  reset: () => void;
} {
  const asked = ref<string | null>(null);
  const confirmed = ref<string | null>(null);

  function check(): boolean {
    const value = date();
    if (!isPastDateToConfirm(value, todayIsoDate(), before()) || confirmed.value === value) {
      asked.value = null;
      return true;
    }
    asked.value = value;
    return false;
  }

  return {
    warning: computed(() => (asked.value !== null && asked.value === date() ? asked.value : null)),
    check,
    confirm: () => {
      confirmed.value = asked.value;
      asked.value = null;
    },
    reset: () => {
      asked.value = null;
      confirmed.value = null;
    },
  };
}
