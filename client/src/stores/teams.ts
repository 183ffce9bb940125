import { computed, ref, watch } from 'vue';
import { defineStore } from 'pinia';
import type { TeamSummary } from '#shared/teams';
import { listTeams } from '../api/boardsApi.ts';
import { ApiRequestError } from '../api/http.ts';
import { useSessionStore } from './session.ts';

/** The signed-in user's teams (every team for admins), for choosing who owns a new board. */
export const useTeamsStore = defineStore('teams', () => {
  const session = useSessionStore();
  const teams = ref<TeamSummary[]>([]);
  const loadState = ref<'idle' | 'loading' | 'ready' | 'error'>('idle');
  const loadError = ref('');

  /** Teams the user may give a new board to: any team for admins, otherwise those they facilitate. */
  const boardOwners = computed(() =>
    teams.value
      .filter((team) => session.isAdmin || team.canManage)
      .sort((a, b) => a.name.localeCompare(b.name)),
  );

  async function load(): Promise<void> {
    loadState.value = 'loading';
    try {
      teams.value = await listTeams();
      loadState.value = 'ready';
      loadError.value = '';
    } catch (error) {
      loadError.value = error instanceof ApiRequestError ? error.message : 'Your teams could not be loaded';
      loadState.value = 'error';
    }
  }

  watch(
    () => session.user?.id,
    () => {
      teams.value = [];
      loadState.value = 'idle';
    },
  );

  return { teams, loadState, loadError, boardOwners, load };
});
