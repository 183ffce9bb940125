import { computed, ref, useId } from 'vue';
import { ApiRequestError } from '../../api/http.ts';
import type { ErrorItem } from '../app/AppErrorSummary.vue';

interface Issue {
  path: PropertyKey[] | string;
  message?: string;
}

/**
 * The error state of one admin form: a message per field (from the shared zod validator before
 * sending, or from the server's `issues` after), messages that belong to no field, and the error
 * summary linking each message to its field.
 */
export function useAdminForm<F extends string>(fields: readonly F[], prefix: string) {
  const idPrefix = `${prefix}-${useId()}`;
  const errors = ref<Partial<Record<F, string>>>({});
  const general = ref<string[]>([]);
  const fieldId = (field: F): string => `${idPrefix}-${field}`;

  const summary = computed<ErrorItem[]>(() => [
    ...general.value.map((text) => ({ text })),
    ...fields.flatMap((field) => {
      const text = errors.value[field];
      return text ? [{ text, href: `#${fieldId(field)}` }] : [];
    }),
  ]);

  function fieldOf(issue: Issue): F | undefined {
    const first = typeof issue.path === 'string' ? issue.path.split('.')[0] : issue.path[0];
    return fields.find((field) => field === first);
  }

  function clear(): void {
    errors.value = {};
    general.value = [];
  }

  /** Shows the problems the validator found; the first message for each field wins. */
  function showIssues(issues: readonly Issue[], fallback = 'Check the answers and try again'): void {
    const next: Partial<Record<F, string>> = {};
    const other: string[] = [];
    for (const issue of issues) {
      const field = fieldOf(issue);
      const message = issue.message || fallback;
      if (field) next[field] ??= message;
      else if (!other.includes(message)) other.push(message);
    }
    errors.value = next;
    general.value = other;
  }

  /** Shows a failed request: next to the fields the server named, otherwise at the top. */
  function showFailure(failure: unknown, fallback: string): void {
    if (!(failure instanceof ApiRequestError)) {
      errors.value = {};
      general.value = [fallback];
      return;
    }
    const named = failure.issues.filter((issue) => fieldOf(issue));
    if (named.length === 0) {
      errors.value = {};
      general.value = [failure.message || fallback];
      return;
    }
    showIssues(
      named.map((issue) => ({ path: issue.path, message: issue.message || failure.message })),
      failure.message,
    );
  }

  return { errors, general, summary, fieldId, clear, showIssues, showFailure };
}

/** The message to show for a failed load or action that belongs to no form field. */
export function failureMessage(failure: unknown, fallback: string): string {
  return failure instanceof ApiRequestError && failure.message ? failure.message : fallback;
}
