import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { OrganisationKind } from '#shared/organisations';
import type { AuditEvent, AuditValue } from '#shared/audit';
import type { GlobalRole, TeamRole } from '#shared/access';
import type { TextSplice } from '#shared/textSplice';
import type { VersionKind } from '#shared/versions';

/**
 * Every table, declared once. Migrations create them and queries are typed by them.
 */
export interface Database {
  organisations: OrganisationsTable;
  boards: BoardsTable;
  board_updates: BoardUpdatesTable;
  board_snapshots: BoardSnapshotsTable;
  board_clients: BoardClientsTable;
  users: UsersTable;
  teams: TeamsTable;
  team_memberships: TeamMembershipsTable;
  board_teams: BoardTeamsTable;
  manager_teams: ManagerTeamsTable;
  sessions: SessionsTable;
  sign_in_failures: SignInFailuresTable;
  trusted_devices: TrustedDevicesTable;
  oidc_logins: OidcLoginsTable;
  audit_events: AuditEventsTable;
  board_projections: BoardProjectionsTable;
  projected_actions: ProjectedActionsTable;
  projected_people: ProjectedPeopleTable;
  projected_goals: ProjectedGoalsTable;
  projected_stages: ProjectedStagesTable;
  projected_comments: ProjectedCommentsTable;
  record_transitions: RecordTransitionsTable;
  progress_runs: ProgressRunsTable;
  notifications: NotificationsTable;
  notification_preferences: NotificationPreferencesTable;
  email_outbox: EmailOutboxTable;
  scheduled_runs: ScheduledRunsTable;
  board_versions: BoardVersionsTable;
  meeting_summaries: MeetingSummariesTable;
  meeting_pulse_answers: MeetingPulseAnswersTable;
  meeting_pulse_responders: MeetingPulseRespondersTable;
}

export interface OrganisationsTable {
  id: string;
  name: string;
  kind: OrganisationKind;
  created_at: ColumnType<Date, never, never>;
}

export interface BoardsTable {
  id: string;
  name: string;
  created_at: ColumnType<Date, never, never>;
}

/** The append-only Yjs update log; compaction folds rows into `board_snapshots` and deletes them. */
export interface BoardUpdatesTable {
  id: Generated<string>;
  board_id: string;
  update: Uint8Array;
  created_at: ColumnType<Date, never, never>;
}

/** One compacted Yjs state per board. */
export interface BoardSnapshotsTable {
  board_id: string;
  state: Uint8Array;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** The user each Yjs document client id of a board belongs to. */
export interface BoardClientsTable {
  board_id: string;
  /** A Yjs client id: a whole number below 2^32. */
  client_id: ColumnType<string, number, never>;
  user_id: string;
  bound_at: ColumnType<Date, never, never>;
}

export type BoardRow = Selectable<BoardsTable>;
export type NewOrganisation = Insertable<OrganisationsTable>;

export interface UsersTable {
  id: string;
  name: string;
  /** Always lower case. */
  email: string;
  profession: string;
  organisation_id: string | null;
  role: GlobalRole | null;
  active: Generated<boolean>;
  /** argon2id; `null` for people who only sign in through single sign-on. */
  password_hash: string | null;
  must_change_password: Generated<boolean>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface TeamsTable {
  id: string;
  name: string;
  created_at: ColumnType<Date, never, never>;
}

export interface TeamMembershipsTable {
  team_id: string;
  user_id: string;
  role: TeamRole;
  created_at: ColumnType<Date, never, never>;
}

/** A board belongs to one or more teams. */
export interface BoardTeamsTable {
  board_id: string;
  team_id: string;
}

/** The teams whose boards a manager sees, read-only. */
export interface ManagerTeamsTable {
  user_id: string;
  team_id: string;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the token in the cookie. */
  id: string;
  user_id: string;
  created_at: ColumnType<Date, never, never>;
  last_seen_at: ColumnType<Date, Date | undefined, Date>;
  /** The absolute end of the session, however active it is. */
  expires_at: Date;
  address: string | null;
  user_agent: string | null;
}

/**
 * Password attempts counted in a window: per account from browsers new to it
 * (`account:<email>:other-devices`), per trusted browser (`account:<email>:device:<id>`), per
 * password change (`account:<email>:password`) and per address (`address:<ip or IPv6 /64>`).
 */
export interface SignInFailuresTable {
  key: string;
  failures: number;
  window_started_at: Date;
}

/** A browser a user has signed in on (by the SHA-256 of its device cookie). */
export interface TrustedDevicesTable {
  device_id: string;
  user_id: string;
  first_signed_in_at: ColumnType<Date, never, never>;
  last_signed_in_at: Date;
}

/** A single sign-on in progress, between the redirect to the provider and its callback. */
export interface OidcLoginsTable {
  state: string;
  code_verifier: string;
  nonce: string;
  return_to: string;
  created_at: ColumnType<Date, never, never>;
}

/** Append-only (a trigger refuses update, delete and truncate). */
export interface AuditEventsTable {
  id: Generated<string>;
  at: ColumnType<Date, Date | undefined, never>;
  event: AuditEvent;
  board_id: string;
  user_id: string | null;
  user_name: string | null;
  record_type: string | null;
  record_id: string | null;
  field: string | null;
  before: ColumnType<AuditValue, string | null, never>;
  after: ColumnType<AuditValue, string | null, never>;
  /** The burst of typing the row belongs to (see audit/typingBursts.ts); null for other rows. */
  burst: string | null;
  /** A row that continues a burst: its splice of the text (before and after are then null). */
  splice: ColumnType<TextSplice | null, string | null, never>;
}

/** When each board's projection was last written whole, by which version, and how many records it held. */
export interface BoardProjectionsTable {
  board_id: string;
  projected_at: Date;
  records: number;
  /** The projection code's version then (`PROJECTION_VERSION`); 0 when the board must be projected again. */
  version: ColumnType<number, number | undefined, number>;
}

/** When something happened to a record (see migration 0006): appended, never edited. */
export interface RecordTransitionsTable {
  id: Generated<string>;
  board_id: string;
  collection: string;
  record_id: string;
  kind: string;
  from_value: string | null;
  to_value: string | null;
  at: Date;
  user_id: string | null;
  /** 'change' when seen as it happened; 'document' when read off the document's timestamps. */
  source: string;
}

/** The progress page's read model of actions (progress/progressRuns.ts): one row per status row. */
export interface ProgressRunsTable {
  transition_id: string;
  board_id: string;
  action_id: string;
  kind: string;
  from_status: string | null;
  status: string | null;
  user_id: string | null;
  made: boolean;
  started_at: Date;
  started_on: string;
  ended_at: Date | null;
  ended_on: string | null;
  days_after_previous: number | null;
  days_after_taken_on: number | null;
  due_on: string | null;
  owner_id: string | null;
  owner_organisation_id: string | null;
  person_id: string | null;
}

/** A projected record's fields beyond its columns (JSON, shared text left out), written as JSON text. */
type RecordJson = ColumnType<Record<string, unknown>, string, string>;
/** Why a record fails validation (it needs attention); null for a valid record. */
type ProblemsJson = ColumnType<string[] | null, string | null, string | null>;

/** One row per record of a board's document (see migration 0005): derived, never edited. */
interface ProjectedRecordColumns {
  board_id: string;
  id: string;
  record: RecordJson;
  problems: ProblemsJson;
}

export interface ProjectedActionsTable extends ProjectedRecordColumns {
  status: string | null;
  owner_id: string | null;
  owner_organisation_id: string | null;
  person_id: string | null;
  goal_id: string | null;
  due_date: string | null;
  created_by_id: string | null;
  created_at: Date | null;
  completed_at: Date | null;
}

export interface ProjectedPeopleTable extends ProjectedRecordColumns {
  name: string | null;
  risk: string | null;
  frailty_score: number | null;
  key_worker_id: string | null;
  stage_id: string | null;
  stage_entered_at: Date | null;
  archived: boolean | null;
}

export interface ProjectedGoalsTable extends ProjectedRecordColumns {
  person_id: string | null;
  status: string | null;
  target_date: string | null;
  lead_organisation_id: string | null;
}

export interface ProjectedStagesTable extends ProjectedRecordColumns {
  name: string | null;
  position: number | null;
}

/** See migration 0008. */
export interface ProjectedCommentsTable extends ProjectedRecordColumns {
  subject_type: string | null;
  subject_id: string | null;
  created_by_id: string | null;
  created_at: Date | null;
  edited_at: Date | null;
  withdrawn_at: Date | null;
}

/** One thing someone is told (see migration 0007). */
export interface NotificationsTable {
  id: Generated<string>;
  user_id: string;
  kind: string;
  board_id: string;
  record_type: string;
  record_id: string;
  person_id: string | null;
  actor_id: string | null;
  actor_name: string | null;
  subject: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  read_at: Date | null;
  emailed_at: Date | null;
  dedupe_key: string | null;
}

export interface NotificationPreferencesTable {
  user_id: string;
  email: string;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface EmailOutboxTable {
  id: Generated<string>;
  user_id: string | null;
  to_address: string;
  subject: string;
  body: string;
  created_at: ColumnType<Date, Date | undefined, never>;
  dedupe_key: string | null;
  claimed_at: Date | null;
  sent_at: Date | null;
  /** 'smtp' or 'log'. */
  delivery: string | null;
  error: string | null;
}

/** A whole copy of a board's document as it was (migration 0013): never changed once saved. */
export interface BoardVersionsTable {
  id: Generated<string>;
  board_id: string;
  kind: VersionKind;
  label: string | null;
  /** The document whole (a keyframe), or what changed since `base_id`'s. */
  state: Uint8Array;
  base_id: string | null;
  state_vector: Uint8Array;
  saved_at: ColumnType<Date, Date | undefined, never>;
  saved_by_id: string | null;
  saved_by_name: string | null;
  authors: ColumnType<string[], string | undefined, never>;
}

export interface ScheduledRunsTable {
  job: string;
  period: string;
  ran_at: ColumnType<Date, Date | undefined, never>;
}

export type UserRow = Selectable<UsersTable>;
export type NewAuditEvent = Insertable<AuditEventsTable>;
export type NewRecordTransition = Insertable<RecordTransitionsTable>;
export type NewNotification = Insertable<NotificationsTable>;

/** A finished meeting's summary as it was when it closed (the JSON is `MeetingSummary` from shared/meetings). */
export interface MeetingSummariesTable {
  board_id: string;
  meeting_id: string;
  series: string;
  started_at: Date;
  finished_at: Date;
  version_id: string | null;
  summary: ColumnType<unknown, string, string>;
}

/** One anonymous pulse answer: scores in the questions' order, and a comment. */
export interface MeetingPulseAnswersTable {
  id: string;
  board_id: string;
  meeting_id: string;
  scores: ColumnType<number[], string, string>;
  comment: string | null;
}

/** Who has answered a meeting's pulse, kept apart from the answers, so each answers once. */
export interface MeetingPulseRespondersTable {
  board_id: string;
  meeting_id: string;
  user_id: string;
}
