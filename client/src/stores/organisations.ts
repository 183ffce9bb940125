import { ref } from 'vue';
import { defineStore } from 'pinia';
import type { Organisation } from '../../../shared/api.ts';
import { listOrganisations } from '../api/boardsApi.ts';
import { ApiRequestError } from '../api/http.ts';

/** The organisations an action owner can belong to, loaded once. */
export const useOrganisationsStore = defineStore('organisations', () => {
  const organisations = ref<Organisation[]>([]);
  const loadError = ref('');
  let loading: Promise<void> | null = null;

  function load(): Promise<void> {
    loading ??= listOrganisations().then(
      (list) => {
        organisations.value = list;
        loadError.value = '';
      },
      (error: unknown) => {
        loading = null;
        loadError.value =
          error instanceof ApiRequestError ? error.message : 'Organisations could not be loaded';
      },
    );
    return loading;
  }

  function nameOf(id: string): string {
    return organisations.value.find((o) => o.id === id)?.name ?? id;
  }

  return { organisations, loadError, load, nameOf };
});
