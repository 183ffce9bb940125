import { computed, ref, useId } from 'vue';
import { ApiRequestError } from '../api/http.ts';
import { errorMessage } from '../lib/errorMessage.ts';
import { errorSummary, fieldErrors, type FieldErrors } from '../lib/forms/formErrors.ts';
import type { ErrorItem } from '../components/app/AppErrorSummary.vue';

type Issue = Parameters<typeof fieldErrors>[0][number];

/**
 * The one way every form (and every write that can be refused) keeps its errors: a message per field
 * (from a validator before sending, or from the server's `issues` after), messages that belong to no
 * field, and the error summary linking each message to its field, in the order the fields are on
 * screen.
 *
 * `ids` is a prefix (each field's id is then `<prefix>-<unique>-<field>`), or a function naming each
 * field's element where the form's fields are not one input each (the first radio of a group, say).
 */
export function useForm<F extends string>(fields: readonly F[], ids: string | ((field: F) => string)) {
  const idPrefix = typeof ids === 'string' ? `${ids}-${useId()}` : '';
  const errors = ref<FieldErrors<F>>({});
  const general = ref<ErrorItem[]>([]);
  const saving = ref(false);
  const fieldId = typeof ids === 'string' ? (field: F): string => `${idPrefix}-${field}` : ids;
  /** Radio and checkbox ids for a field: the first option takes the field's id, for the error summary. */
  const optionId =
    (field: F) =>
    (value: string, index: number): string =>
      index === 0 ? fieldId(field) : `${fieldId(field)}-${value}`;

  const summary = computed<ErrorItem[]>(() => [
    ...general.value,
    ...errorSummary(errors.value, fields, fieldId),
  ]);

  function clear(): void {
    errors.value = {};
    general.value = [];
  }

  /** Shows what a form's own validator found, one message per field. */
  function showErrors(found: FieldErrors<F>): void {
    errors.value = found;
    general.value = [];
  }

  /** Shows the problems a zod schema found; the first message for each field wins. */
  function showIssues(issues: readonly Issue[]): void {
    const found = fieldErrors(issues, fields);
    errors.value = found.errors;
    general.value = found.other.map((text) => ({ text }));
  }

  /** Shows one message that belongs to no field, linking to `field` when it is about one. */
  function showProblem(text: string, field?: F): void {
    errors.value = {};
    general.value = [{ text, href: field ? `#${fieldId(field)}` : undefined }];
  }

  /**
   * Shows a failure: a refused request next to the fields the server named (with its message where an
   * issue has none), and otherwise at the top in the failure's own words or `fallback`; `field` is
   * where a message at the top should lead (a wrong password leads back to the email).
   */
  function showFailure(failure: unknown, fallback: string, field?: F): void {
    const found =
      failure instanceof ApiRequestError
        ? fieldErrors(
            failure.issues.map((issue) => ({ path: issue.path, message: issue.message || failure.message })),
            fields,
          )
        : { errors: {}, other: [] };
    if (found.other.length === 0 && Object.keys(found.errors).length === 0) {
      showProblem(errorMessage(failure, fallback), field);
      return;
    }
    errors.value = found.errors;
    general.value = found.other.map((text) => ({ text }));
  }

  /**
   * Sends a checked request: clears the errors, marks the form as saving until `request` settles, and
   * shows its failure. True when it succeeded; a second send while one is under way is ignored.
   */
  async function send(request: () => Promise<void>, fallback: string): Promise<boolean> {
    if (saving.value) return false;
    clear();
    saving.value = true;
    try {
      await request();
      return true;
    } catch (failure) {
      showFailure(failure, fallback);
      return false;
    } finally {
      saving.value = false;
    }
  }

  /** Makes a change that applies at once (a write to the board): true when it was made, else shows why. */
  function attempt(change: () => void, fallback: string): boolean {
    try {
      change();
      clear();
      return true;
    } catch (failure) {
      showFailure(failure, fallback);
      return false;
    }
  }

  return {
    errors,
    general,
    summary,
    saving,
    fieldId,
    optionId,
    clear,
    showErrors,
    showIssues,
    showProblem,
    showFailure,
    send,
    attempt,
  };
}
