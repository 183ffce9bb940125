import { describe, expect, it } from 'vitest';
import { actionInputSchema, applyActionPatch, isOverdue, newAction, statusChangeProblem } from './action.ts';
import { anActionFor, priya, tom } from './testing.ts';

const now = new Date('2026-11-20T10:00:00Z');

describe('action rules', () => {
  it('starts accepted when the owner adds it for themselves, proposed when someone else does', () => {
    expect(newAction('a1', anActionFor('p1', priya), priya, now).status).toBe('accepted');
    const forPriya = newAction('a2', anActionFor('p1', priya), tom, now);
    expect(forPriya).toMatchObject({
      status: 'proposed',
      createdBy: 'Dr Tom Reid',
      createdById: 'user-tom',
      createdAt: now.toISOString(),
      completedAt: null,
      goalId: null,
    });
  });

  it('lets only the owner accept a proposed action; anyone may cancel it', () => {
    const proposed = newAction('a1', anActionFor('p1', priya), tom, now);
    expect(statusChangeProblem(proposed, 'accepted', tom)).toBe('Only Priya Shah can accept this action');
    expect(statusChangeProblem(proposed, 'done', tom)).toBe('Only Priya Shah can accept this action');
    expect(statusChangeProblem(proposed, 'accepted', priya)).toBeNull();
    expect(statusChangeProblem(proposed, 'cancelled', tom)).toBeNull();
    expect(() => applyActionPatch(proposed, { status: 'accepted' }, tom, now)).toThrow(/Only Priya Shah/);
  });

  it('stamps completion when done and clears it when reopened', () => {
    const accepted = newAction('a1', anActionFor('p1'), priya, now);
    const done = applyActionPatch(accepted, { status: 'done' }, tom, now);
    expect(done.completedAt).toBe(now.toISOString());
    expect(applyActionPatch(done, { status: 'in_progress' }, tom, now).completedAt).toBeNull();
    expect(applyActionPatch(done, { title: 'Renamed' }, tom, now).completedAt).toBe(now.toISOString());
  });

  it('makes an open action proposed again when it is handed to someone else', () => {
    const accepted = newAction('a1', anActionFor('p1'), priya, now);
    const handed = applyActionPatch(accepted, { ownerId: 'user-tom', ownerName: 'Dr Tom Reid' }, priya, now);
    expect(handed.status).toBe('proposed');
    const taken = applyActionPatch(accepted, { ownerId: 'user-tom', ownerName: 'Dr Tom Reid' }, tom, now);
    expect(taken.status).toBe('accepted');
  });

  it('refuses input without an owner, a person or a real due date', () => {
    const result = actionInputSchema.safeParse({ title: 'x', ownerName: 'x', dueDate: '2026-13-01' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      "Choose the owner's organisation",
      'Give a due date as YYYY-MM-DD',
      'Choose the owner from the team',
      'Choose the person this action is for',
    ]);
  });

  it('is overdue after its due date until it is closed', () => {
    const action = newAction('a1', anActionFor('p1'), priya, now);
    expect(isOverdue(action, '2026-12-01')).toBe(false);
    expect(isOverdue(action, '2026-12-02')).toBe(true);
    expect(isOverdue({ ...action, status: 'done' }, '2026-12-02')).toBe(false);
    expect(isOverdue({ ...action, status: 'cancelled' }, '2026-12-02')).toBe(false);
  });
});
