import { computed, ref } from 'vue';
import { defineStore } from 'pinia';
import { randomAvatarColour } from '../lib/avatar.ts';

const STORAGE_KEY = 'huddle:identity';
export const DISPLAY_NAME_MAX = 120;

interface StoredIdentity {
  name: string;
  colour: string;
}

function load(): StoredIdentity | null {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { name, colour } = parsed as Partial<StoredIdentity>;
    if (typeof name !== 'string' || !name.trim()) return null;
    return { name, colour: typeof colour === 'string' ? colour : randomAvatarColour() };
  } catch {
    return null;
  }
}

/**
 * Who is using this browser, until sign-in arrives: a display name (used as `createdBy` and in
 * presence) and an avatar colour, kept in localStorage.
 */
export const useIdentityStore = defineStore('identity', () => {
  const stored = load();
  const name = ref(stored?.name ?? '');
  const colour = ref(stored?.colour ?? randomAvatarColour());
  const known = computed(() => name.value.trim().length > 0);
  /** True while the person is changing their name. */
  const editing = ref(false);

  /** Returns an error message, or null once the name is saved. */
  function setName(next: string): string | null {
    const trimmed = next.trim();
    if (!trimmed) return 'Enter your name';
    if (trimmed.length > DISPLAY_NAME_MAX) return `Keep your name to ${DISPLAY_NAME_MAX} characters or fewer`;
    name.value = trimmed;
    editing.value = false;
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify({ name: trimmed, colour: colour.value }));
    } catch {
      // Private browsing without storage: the name lasts for this page only.
    }
    return null;
  }

  return { name, colour, known, editing, setName };
});
