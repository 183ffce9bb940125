import { computed, ref } from 'vue';
import { defineStore } from 'pinia';
import type { ChangePasswordRequest, SessionAnswer, SignInRequest } from '#shared/auth';
import type { SessionEndReason } from '#shared/events';
import type { PresenceUser } from '#shared/sync/presence';
import * as authApi from '../api/authApi.ts';
import { ApiRequestError, setUnauthorisedListener } from '../api/http.ts';
import { SESSION_END_MESSAGES } from '../lib/sessionMessages.ts';
import { forgetLocalBoards } from '../lib/board/localBoards.ts';
import { forgetKeptViews } from '../lib/board/keptViews.ts';

export type SessionState = 'loading' | 'signed-in' | 'signed-out';

/** Activity (a key or a pointer press) refreshes the session on the server at most this often. */
export const KEEP_ALIVE_MS = 5 * 60_000;

/**
 * Who is signed in. Loaded once from `GET /api/auth/session`; ended by signing out, or by the server
 * (a `session:ended` event, a Yjs close, any REST 401), after which the app shows the sign-in page
 * with `notice` saying why.
 */
export const useSessionStore = defineStore('session', () => {
  const user = ref<SessionAnswer | null>(null);
  const state = ref<SessionState>('loading');
  /** Why the sign-in page is showing, when the session ended or could not be checked. */
  const notice = ref('');
  /** True when the person signed out here: the sign-in page then forgets where they were. */
  const endedByUser = ref(false);
  /** The notice was inferred (a 401, a close code); a reason the server gives later replaces it. */
  let noticeInferred = false;
  let loading: Promise<void> | null = null;
  let lastKeepAlive = 0;

  const isAdmin = computed(() => user.value?.role === 'admin');
  const facilitatorTeams = computed(() => user.value?.teams.filter((t) => t.role === 'facilitator') ?? []);
  /** Admins and facilitators create boards and manage teams. */
  /** Admins, managers and facilitators see the progress page. */
  const canSeeProgress = computed(
    () => isAdmin.value || user.value?.role === 'manager' || facilitatorTeams.value.length > 0,
  );
  const canCreateBoards = computed(() => isAdmin.value || facilitatorTeams.value.length > 0);
  const presenceUser = computed<PresenceUser | null>(() =>
    user.value
      ? {
          id: user.value.id,
          name: user.value.name,
          organisation: user.value.organisation?.name ?? null,
          organisationId: user.value.organisation?.id ?? null,
        }
      : null,
  );

  function signedIn(current: SessionAnswer): SessionAnswer {
    user.value = current;
    state.value = 'signed-in';
    notice.value = '';
    noticeInferred = false;
    endedByUser.value = false;
    lastKeepAlive = Date.now();
    return current;
  }

  /** Loads the session once; later calls share the first answer. */
  function load(): Promise<void> {
    loading ??= authApi.getSession().then(
      (current) => void signedIn(current),
      (error: unknown) => {
        state.value = 'signed-out';
        if (!(error instanceof ApiRequestError && error.status === 401)) {
          notice.value =
            error instanceof ApiRequestError
              ? error.message
              : 'Huddle could not check whether you are signed in';
        }
      },
    );
    return loading;
  }

  /**
   * The session has ended. `reason` comes from the server when it says; `null` when it was inferred
   * (a 401, a close code), shown as expired until a more precise reason arrives.
   */
  function end(reason: SessionEndReason | null, byUser = false): void {
    const message = SESSION_END_MESSAGES[reason ?? 'expired'];
    if (state.value !== 'signed-in') {
      if (reason && noticeInferred) {
        notice.value = message;
        noticeInferred = false;
      }
      return;
    }
    user.value = null;
    state.value = 'signed-out';
    // What the boards looked like is not shown before the next sign-in.
    forgetKeptViews();
    notice.value = message;
    noticeInferred = reason === null;
    endedByUser.value = byUser;
  }

  /** Asks the server whether the session is still there, and picks up changes to teams and roles. */
  async function check(): Promise<void> {
    if (state.value !== 'signed-in') return;
    lastKeepAlive = Date.now();
    try {
      const current = await authApi.getSession();
      if (state.value === 'signed-in') user.value = current;
    } catch (error) {
      if (error instanceof ApiRequestError && error.status === 401) end(null);
      // Anything else (offline, a server restart) says nothing about the session: keep it.
    }
  }

  async function signIn(request: SignInRequest): Promise<SessionAnswer> {
    return signedIn(await authApi.signIn(request));
  }

  /** Signs out on the server; a 401 means the session had already gone. Other failures are thrown. */
  async function signOut(): Promise<void> {
    try {
      await authApi.signOut();
    } catch (error) {
      if (!(error instanceof ApiRequestError && error.status === 401)) throw error;
    }
    end('signed-out', true);
    // A shared computer should not keep one clinician's boards for the next person.
    void forgetLocalBoards();
  }

  async function changePassword(request: ChangePasswordRequest): Promise<SessionAnswer> {
    return signedIn(await authApi.changePassword(request));
  }

  function keepAlive(): void {
    if (state.value === 'signed-in' && Date.now() - lastKeepAlive >= KEEP_ALIVE_MS) void check();
  }

  setUnauthorisedListener(() => end(null));
  // Not where the server draws a board's first view (firstView.ts): nobody presses anything there.
  if (!import.meta.env.SSR) {
    window.addEventListener('keydown', keepAlive, { capture: true, passive: true });
    window.addEventListener('pointerdown', keepAlive, { capture: true, passive: true });
  }

  return {
    user,
    state,
    notice,
    endedByUser,
    isAdmin,
    facilitatorTeams,
    canSeeProgress,
    canCreateBoards,
    presenceUser,
    load,
    end,
    check,
    signIn,
    signOut,
    changePassword,
  };
});
