import type { Migration } from 'kysely';
import * as m0001 from './0001_boards.ts';
import * as m0002 from './0002_access.ts';
import * as m0003 from './0003_board_clients.ts';
import * as m0004 from './0004_trusted_devices.ts';
import * as m0005 from './0005_projection.ts';
import * as m0006 from './0006_projection_history.ts';
import * as m0007 from './0007_notifications.ts';
import * as m0008 from './0008_projected_comments.ts';
import * as m0009 from './0009_status_runs.ts';
import * as m0010 from './0010_progress_runs.ts';
import * as m0011 from './0011_status_runs_read_once.ts';
import * as m0012 from './0012_audit_bursts.ts';
import * as m0013 from './0013_board_versions.ts';
import * as m0014 from './0014_meetings.ts';

/** Every migration in order. Listed here (not read from disk) so the built server and tsx agree. */
export const migrations: Record<string, Migration> = {
  '0001_boards': m0001,
  '0002_access': m0002,
  '0003_board_clients': m0003,
  '0004_trusted_devices': m0004,
  '0005_projection': m0005,
  '0006_projection_history': m0006,
  '0007_notifications': m0007,
  '0008_projected_comments': m0008,
  '0009_status_runs': m0009,
  '0010_progress_runs': m0010,
  '0011_status_runs_read_once': m0011,
  '0012_audit_bursts': m0012,
  '0013_board_versions': m0013,
  '0014_meetings': m0014,
};
