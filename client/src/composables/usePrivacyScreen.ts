import { ref, watch } from 'vue';
import { initialsOf } from '#shared/meetings';

const KEY = 'huddle:privacy-screen';

function stored(): boolean {
  try {
    return localStorage.getItem(KEY) === 'on';
  } catch {
    return false;
  }
}

/** One switch for this device, shared by every view: remembered in this browser, never sent. */
const on = ref(typeof localStorage === 'undefined' ? false : stored());
watch(on, (value) => {
  try {
    if (value) localStorage.setItem(KEY, 'on');
    else localStorage.removeItem(KEY);
  } catch {
    // Storage refused (private browsing): the switch still holds for this page.
  }
});

/**
 * The privacy screen for a screen others can see (a meeting room's): people shown by their initials,
 * NHS numbers and dates of birth hidden. One switch, remembered per device, obvious while on.
 */
export function usePrivacyScreen() {
  return {
    on,
    toggle: (): void => {
      on.value = !on.value;
    },
    /** A person's name as this screen may show it. */
    nameOf: (name: string): string => (on.value ? initialsOf(name) : name),
  };
}
