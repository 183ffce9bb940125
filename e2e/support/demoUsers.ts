/**
 * The demo sign-ins the server seeds on an empty database (README and notes/issue3-api.md list
 * them). Tests sign in as these people; every one shares the demo password.
 */
export const DEMO_PASSWORD = 'riverside-demo-2026';

export interface DemoUser {
  email: string;
  name: string;
  organisation: string;
}

export const FRAILTY_TEAM = { id: 'riverside-frailty-team', name: 'Riverside frailty MDT' } as const;
export const FRAILTY_BOARD = { id: 'riverside-frailty-mdt', name: 'Riverside frailty MDT' } as const;

export const demo = {
  /** Admin, in no team. */
  asha: {
    email: 'admin@riverside.example',
    name: 'Asha Patel',
    organisation: 'Riverside Community Health NHS Trust',
  },
  /** Facilitator of the frailty team. */
  tom: { email: 'tom.reid@elmtree.example', name: 'Dr Tom Reid', organisation: 'Elm Tree Medical Practice' },
  /** Member of the frailty team. */
  grace: {
    email: 'grace.okafor@riverside-community.example',
    name: 'Grace Okafor',
    organisation: 'Riverside Community Health NHS Trust',
  },
  /** Member of the frailty team. */
  priya: {
    email: 'priya.shah@riverside-community.example',
    name: 'Priya Shah',
    organisation: 'Riverside Community Health NHS Trust',
  },
  /** Viewer of the frailty team: sees its boards, changes nothing. */
  helen: { email: 'helen.ward@agewell.example', name: 'Helen Ward', organisation: 'Age Well Riverside' },
  /** Facilitator of the discharge team only: no access to the frailty team's boards. */
  nina: {
    email: 'nina.brooks@riverside-hospital.example',
    name: 'Nina Brooks',
    organisation: 'Riverside University Hospitals NHS Foundation Trust',
  },
} satisfies Record<string, DemoUser>;
