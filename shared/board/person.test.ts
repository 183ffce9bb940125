import { describe, expect, it } from 'vitest';
import {
  FRAILTY_LABELS,
  SHARED_TEXT_MAX,
  describeFrailty,
  findNhsNumberHolder,
  frailtyLabel,
  personInputSchema,
  personSchema,
  riskRank,
} from './person.ts';
import { aPerson } from './testing.ts';

const messages = (input: unknown): string[] => {
  const result = personInputSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('Clinical Frailty Scale', () => {
  it('labels each score from 1 to 9 as Rockwood does', () => {
    expect(FRAILTY_LABELS).toHaveLength(9);
    expect(frailtyLabel(1)).toBe('Very fit');
    expect(frailtyLabel(4)).toBe('Vulnerable');
    expect(frailtyLabel(5)).toBe('Mildly frail');
    expect(frailtyLabel(9)).toBe('Terminally ill');
    expect(describeFrailty(6)).toBe('6 Moderately frail');
    expect(describeFrailty(null)).toBe('Not scored');
  });

  it('has no label outside 1 to 9 or for fractions', () => {
    expect(frailtyLabel(0)).toBeUndefined();
    expect(frailtyLabel(10)).toBeUndefined();
    expect(frailtyLabel(2.5)).toBeUndefined();
  });

  it('accepts only whole scores from 1 to 9', () => {
    for (const score of [1, 9]) expect(messages({ ...aPerson, frailtyScore: score })).toEqual([]);
    for (const score of [0, 10, 4.5]) {
      expect(messages({ ...aPerson, frailtyScore: score })).toEqual([
        'frailtyScore: Choose a Clinical Frailty Scale score from 1 to 9',
      ]);
    }
  });
});

describe('person validation', () => {
  it('accepts a full person and keeps the NHS number as ten digits', () => {
    const parsed = personInputSchema.parse(aPerson);
    expect(parsed.nhsNumber).toBe('9434765919');
    expect(parsed.organisationIds).toEqual(['riverside-community', 'elm-tree-practice']);
  });

  it('needs only a name', () => {
    expect(personInputSchema.parse({ name: '  Stanley Hughes ' })).toMatchObject({
      name: 'Stanley Hughes',
      nhsNumber: null,
      risk: null,
      frailtyScore: null,
      organisationIds: [],
    });
  });

  it('says what is wrong with each bad field', () => {
    expect(
      messages({
        name: ' ',
        nhsNumber: '943 476 5918',
        dateOfBirth: '1942-02-30',
        risk: 'purple',
      }),
    ).toEqual([
      'name: Enter the person’s name',
      'nhsNumber: Enter a valid NHS number: 10 digits, like 943 476 5919',
      'dateOfBirth: Give a date of birth as YYYY-MM-DD',
      'risk: Choose red, amber or green',
    ]);
  });

  it('asks for the reason when a risk is rated', () => {
    expect(messages({ name: 'Edith Clarke', risk: 'amber', riskReason: '  ' })).toEqual([
      'riskReason: Say why the risk is rated this way',
    ]);
  });

  it('needs a reason for an archived person', () => {
    const stored = { ...personInputSchema.parse(aPerson), id: 'p1', archived: true, archivedReason: '' };
    const result = personSchema.safeParse(stored);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('Say why the person was archived');
  });

  it('orders risk red, amber, green, then not rated', () => {
    const order = (['green', null, 'red', 'amber'] as const)
      .slice()
      .sort((a, b) => riskRank(a) - riskRank(b));
    expect(order).toEqual(['red', 'amber', 'green', null]);
  });
});

describe('an NHS number already on the board', () => {
  const people = [
    { id: 'p1', name: 'Margaret Ellis', nhsNumber: '9434765919', archived: false },
    { id: 'p2', name: 'Harold Bennett', nhsNumber: '9990000018', archived: true },
    // A record that needs attention still holds its number.
    { id: 'p3', name: 42, nhsNumber: '999 000 0026' },
    { id: 'p4', name: 'Stanley Hughes', nhsNumber: null },
  ];

  it('finds who has it, however it is spaced, archived people and broken records included', () => {
    expect(findNhsNumberHolder(people, '943 476 5919')).toEqual({
      id: 'p1',
      name: 'Margaret Ellis',
      archived: false,
    });
    expect(findNhsNumberHolder(people, '999-000-0018')).toEqual({
      id: 'p2',
      name: 'Harold Bennett',
      archived: true,
    });
    expect(findNhsNumberHolder(people, '9990000026')).toEqual({ id: 'p3', name: 'Someone', archived: false });
  });

  it('leaves out the person being changed, and finds nobody for a new or empty number', () => {
    expect(findNhsNumberHolder(people, '9434765919', 'p1')).toBeNull();
    expect(findNhsNumberHolder(people, '9990000034')).toBeNull();
    expect(findNhsNumberHolder(people, null)).toBeNull();
    expect(findNhsNumberHolder(people, '')).toBeNull();
  });
});

describe('shared text limits', () => {
  const stored = { ...personInputSchema.parse(aPerson), id: 'p1' };

  it('refuses what matters or an SBAR part longer than 10,000 characters, saying which', () => {
    expect(personSchema.safeParse({ ...stored, whatMatters: 'a'.repeat(SHARED_TEXT_MAX) }).success).toBe(
      true,
    );
    const result = personSchema.safeParse({
      ...stored,
      whatMatters: 'a'.repeat(SHARED_TEXT_MAX + 1),
      sbarRecommendation: 'b'.repeat(12_000),
    });
    expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'whatMatters: Keep what matters to the person to 10,000 characters or fewer',
      'sbarRecommendation: Keep the SBAR recommendation to 10,000 characters or fewer',
    ]);
  });
});
