import { ref } from 'vue';
import { defineStore } from 'pinia';
import type { Organisation } from '#shared/organisations';
import { listOrganisations } from '../api/boardsApi.ts';
import { ApiRequestError } from '../api/http.ts';
import { AVATAR_COLOURS, NO_ORGANISATION_COLOUR, avatarColourFor } from '../lib/avatar.ts';

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

  /**
   * One colour per organisation, the same on every screen: organisations take the palette's colours
   * in the order everyone's list has them (by name), so the first eight never share a colour.
   */
  function colourOf(id: string | null): string {
    if (!id) return NO_ORGANISATION_COLOUR;
    const index = organisations.value.findIndex((o) => o.id === id);
    return index >= 0 ? AVATAR_COLOURS[index % AVATAR_COLOURS.length]! : avatarColourFor(id);
  }

  return { organisations, loadError, load, nameOf, colourOf };
});
