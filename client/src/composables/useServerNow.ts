import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue';
import { getServerClock } from '../api/meetingsApi.ts';
import { serverClockOffset } from '../lib/serverClock.ts';

/** Measured once a while for the page: the server's clock less this browser's. */
let offset: number | null = null;
let measuredAt = 0;
let measuring: Promise<void> | null = null;
const MEASURE_EVERY_MS = 10 * 60_000;

function measure(): Promise<void> {
  if (measuring) return measuring;
  measuring = serverClockOffset(getServerClock)
    .then((found) => {
      offset = found;
      measuredAt = Date.now();
    })
    .catch(() => undefined)
    .finally(() => (measuring = null));
  return measuring;
}

/**
 * The server's time now, ticking every `everyMs` while the component is mounted: what meeting
 * timers count from, so every screen in the meeting shows the same time.
 */
export function useServerNow(everyMs = 250): Ref<number> {
  const now = ref(Date.now() + (offset ?? 0));
  let timer: ReturnType<typeof setInterval> | undefined;
  const tick = (): void => {
    now.value = Date.now() + (offset ?? 0);
  };
  onMounted(() => {
    if (offset === null || Date.now() - measuredAt > MEASURE_EVERY_MS) void measure().then(tick);
    timer = setInterval(tick, everyMs);
  });
  onBeforeUnmount(() => clearInterval(timer));
  return now;
}
