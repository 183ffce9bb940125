/**
 * The demo sign-ins the server seeds on an empty database (README and notes/issue3-api.md list
 * them). Tests sign in as these people; every one shares the demo password.
 */
export const DEMO_PASSWORD = 'riverside-demo-2026';

export interface DemoUser {
  /** The user's id in the seeded database. */
  id: string;
  email: string;
  name: string;
  organisation: string;
}

export const FRAILTY_TEAM = { id: 'riverside-frailty-team', name: 'Riverside frailty MDT' } as const;
export const FRAILTY_BOARD = { id: 'riverside-frailty-mdt', name: 'Riverside frailty MDT' } as const;

export const demo = {
  /** Admin, in no team. */
  asha: {
    id: 'demo-asha-patel',
    email: 'admin@riverside.example',
    name: 'Asha Patel',
    organisation: 'Riverside Community Health NHS Trust',
  },
  /** Facilitator of the frailty team. */
  tom: {
    id: 'demo-tom-reid',
    email: 'tom.reid@elmtree.example',
    name: 'Dr Tom Reid',
    organisation: 'Elm Tree Medical Practice',
  },
  /** Member of the frailty team. */
  grace: {
    id: 'demo-grace-okafor',
    email: 'grace.okafor@riverside-community.example',
    name: 'Grace Okafor',
    organisation: 'Riverside Community Health NHS Trust',
  },
  /** Member of the frailty team. */
  priya: {
    id: 'demo-priya-shah',
    email: 'priya.shah@riverside-community.example',
    name: 'Priya Shah',
    organisation: 'Riverside Community Health NHS Trust',
  },
  /** Member of the frailty team (the access-change test moves her to viewer). */
  lucy: {
    id: 'demo-lucy-evans',
    email: 'lucy.evans@riverside-asc.example',
    name: 'Lucy Evans',
    organisation: 'Riverside Council Adult Social Care',
  },
  /** Member of the frailty and discharge teams (the access-change test takes him off the frailty team). */
  dan: {
    id: 'demo-dan-morris',
    email: 'dan.morris@riverside-hospital.example',
    name: 'Dan Morris',
    organisation: 'Riverside University Hospitals NHS Foundation Trust',
  },
  /** Viewer of the frailty team: sees its boards, changes nothing. */
  helen: {
    id: 'demo-helen-ward',
    email: 'helen.ward@agewell.example',
    name: 'Helen Ward',
    organisation: 'Age Well Riverside',
  },
  /** Facilitator of the discharge team only: no access to the frailty team's boards. */
  nina: {
    id: 'demo-nina-brooks',
    email: 'nina.brooks@riverside-hospital.example',
    name: 'Nina Brooks',
    organisation: 'Riverside University Hospitals NHS Foundation Trust',
  },
  /** Place manager of both teams: reads their boards and the progress page, changes nothing. */
  mark: {
    id: 'demo-mark-ellison',
    email: 'mark.ellison@riverside-community.example',
    name: 'Mark Ellison',
    organisation: 'Riverside Community Health NHS Trust',
  },
} satisfies Record<string, DemoUser>;
