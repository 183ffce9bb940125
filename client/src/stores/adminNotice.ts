import { ref } from 'vue';
import { defineStore } from 'pinia';

/**
 * A one-off success message carried from one admin page to the next ("Organisation added"), shown
 * once by the page it leads to and then gone, so a reload or a later visit does not repeat it.
 */
export const useAdminNoticeStore = defineStore('adminNotice', () => {
  const pending = ref<string | null>(null);

  function flash(text: string): void {
    pending.value = text;
  }

  function take(): string | null {
    const text = pending.value;
    pending.value = null;
    return text;
  }

  return { pending, flash, take };
});
