import { ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import { ApiRequestError } from '../api/http.ts';
import { errorMessage } from '../lib/errorMessage.ts';

export interface AdminLoad<T> {
  data: ShallowRef<T | null>;
  loading: Ref<boolean>;
  /** Why the load failed, in words for the page; empty when it did not. */
  error: Ref<string>;
  /** The HTTP status of the failure (404: not found), 0 when none. */
  status: Ref<number>;
  reload(): Promise<void>;
}

/**
 * Loads what one admin page shows, once when called and again on `reload()`. An answer that arrives
 * after a newer reload started is dropped, so a slow response never replaces a fresher one.
 */
export function useAdminLoad<T>(loader: () => Promise<T>, fallback: string): AdminLoad<T> {
  const data = shallowRef<T | null>(null);
  const loading = ref(true);
  const error = ref('');
  const status = ref(0);
  let latest = 0;

  async function reload(): Promise<void> {
    const run = ++latest;
    loading.value = true;
    try {
      const value = await loader();
      if (run !== latest) return;
      data.value = value;
      error.value = '';
      status.value = 0;
    } catch (failure) {
      if (run !== latest) return;
      error.value = errorMessage(failure, fallback);
      status.value = failure instanceof ApiRequestError ? failure.status : 0;
    } finally {
      if (run === latest) loading.value = false;
    }
  }

  void reload();
  return { data, loading, error, status, reload };
}
