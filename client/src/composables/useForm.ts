import { computed, ref, useId } from 'vue';
import { ApiRequestError } from '../api/http.ts';
import { errorSummary, fieldErrors, type FieldErrors } from '../lib/formErrors.ts';
import type { ErrorItem } from '../components/app/AppErrorSummary.vue';

type Issue = Parameters<typeof fieldErrors>[0][number];

/**
 * The error state of one form: a message per field (from the shared zod validator before
 * sending, or from the server's `issues` after), messages that belong to no field, and the error
 * summary linking each message to its field.
 */
export function useForm<F extends string>(fields: readonly F[], prefix: string) {
  const idPrefix = `${prefix}-${useId()}`;
  const errors = ref<FieldErrors<F>>({});
  const saving = ref(false);
  const general = ref<string[]>([]);
  const fieldId = (field: F): string => `${idPrefix}-${field}`;
  /** Radio and checkbox ids for a field: the first option takes the field's id, for the error summary. */
  const optionId =
    (field: F) =>
    (value: string, index: number): string =>
      index === 0 ? fieldId(field) : `${fieldId(field)}-${value}`;

  const summary = computed<ErrorItem[]>(() => [
    ...general.value.map((text) => ({ text })),
    ...errorSummary(errors.value, fields, fieldId),
  ]);

  function clear(): void {
    errors.value = {};
    general.value = [];
  }

  /** Shows the problems a validator found; the first message for each field wins. */
  function showIssues(issues: readonly Issue[]): void {
    const found = fieldErrors(issues, fields);
    errors.value = found.errors;
    general.value = found.other;
  }

  /**
   * Shows a failed request: next to the fields the server named (with its message where an issue
   * has none), otherwise at the top.
   */
  function showFailure(failure: unknown, fallback: string): void {
    if (!(failure instanceof ApiRequestError)) {
      errors.value = {};
      general.value = [fallback];
      return;
    }
    const found = fieldErrors(
      failure.issues.map((issue) => ({ path: issue.path, message: issue.message || failure.message })),
      fields,
    );
    errors.value = found.errors;
    general.value = Object.keys(found.errors).length ? [] : [failure.message || fallback];
  }

  /**
   * Sends a checked request: clears the errors, marks the form as saving until `request` settles, and
   * shows its failure (with `fallback` when it says nothing better).
   */
  async function send(request: () => Promise<void>, fallback: string): Promise<void> {
    clear();
    saving.value = true;
    try {
      await request();
    } catch (failure) {
      showFailure(failure, fallback);
    } finally {
      saving.value = false;
    }
  }

  return { errors, general, summary, saving, fieldId, optionId, clear, showIssues, showFailure, send };
}

/** The message to show for a failed load or action that belongs to no form field. */
export function failureMessage(failure: unknown, fallback: string): string {
  return failure instanceof ApiRequestError && failure.message ? failure.message : fallback;
}
