import type { TeamSummary } from '#shared/teams';
import type { ChoiceOption } from '../components/app/AppRadios.vue';

/** Teams as checkbox options, by name. */
export function adminTeamOptions(teams: readonly TeamSummary[]): ChoiceOption[] {
  return [...teams]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((team) => ({ value: team.id, label: team.name }));
}
