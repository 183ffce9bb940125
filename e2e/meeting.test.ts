import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpServer } from '../server/test/support/smtpServer.ts';
import { addDays, todayIsoDate } from '#shared/board/record';
import { initialsOf } from '#shared/meetings';
import { accessibilityProblems } from './support/axe.ts';
import { demo } from './support/demoUsers.ts';
import { textOf, useScenario } from './support/scenario.ts';
import { HandoverPage } from './support/pages/HandoverPage.ts';
import { MeetingPage } from './support/pages/MeetingPage.ts';
import { BoardPage } from './support/pages/BoardPage.ts';

const unique = (label: string): string => `${label} ${randomUUID().slice(0, 8)}`;

describe('the daily handover as a meeting', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>> | undefined;
  beforeAll(async () => {
    smtp = await startSmtpServer({ forTheFile: true });
  });
  afterAll(() => smtp?.close());
  // A server of the file's own, sending email to the SMTP server above at once.
  const scenario = useScenario({ ownServer: true, env: () => ({ SMTP_URL: smtp!.url }) });

  it('a chair and three members from different organisations run a meeting: agenda, following, timer, outcomes, carry-over, summary', async () => {
    const board = await scenario.server.createBoard(unique('E2E meeting'));
    const people = {
      red: unique('Arthur Bell'),
      amber: unique('Betty Cole'),
      green: unique('Colin Dean'),
      unrated: unique('Dora Evans'),
    };
    const grace = await scenario.signedIn(demo.grace, BoardPage.path(board.id));
    const handover = new HandoverPage(grace.page);
    await handover.waitUntilLive();
    await handover.addPerson({ name: people.green, risk: 'green', riskReason: 'Settled at home' });
    await handover.addPerson({
      name: people.red,
      risk: 'red',
      riskReason: 'Two falls this week',
      frailtyScore: 6,
    });
    await handover.addPerson({ name: people.unrated });
    await handover.addPerson({ name: people.amber, risk: 'amber', riskReason: 'Carer unwell' });

    // Grace prepares the agenda: by risk then name, and who is not ready with what is missing.
    await grace.page.goto(MeetingPage.meetingPath(board.id));
    const graceMeeting = new MeetingPage(grace.page);
    await graceMeeting.view().waitFor();
    expect(await accessibilityProblems(grace.page)).toEqual([]);
    await graceMeeting.prepare('Daily handover');
    expect(await graceMeeting.agendaNames()).toEqual([
      people.red,
      people.amber,
      people.green,
      people.unrated,
    ]);
    expect(await textOf(graceMeeting.agendaItem(people.unrated).getByTestId('not-ready'))()).toMatch(
      /Not ready: no SBAR note, no frailty score, no risk rating, no what matters to them/,
    );
    await graceMeeting.mark(people.green, 'Note only');
    expect(await accessibilityProblems(grace.page)).toEqual([]);

    // The chair and two more members, one on a phone, open the meeting.
    const tom = await scenario.signedIn(demo.tom, MeetingPage.meetingPath(board.id));
    const lucy = await scenario.signedIn(demo.lucy, MeetingPage.meetingPath(board.id));
    await lucy.page.setViewportSize({ width: 390, height: 844 });
    const dan = await scenario.signedIn(demo.dan, MeetingPage.meetingPath(board.id));
    const tomMeeting = new MeetingPage(tom.page);
    const lucyMeeting = new MeetingPage(lucy.page);
    const danMeeting = new MeetingPage(dan.page);
    await expect.poll(() => tomMeeting.state()).toBe('planned');
    await expect.poll(textOf(tomMeeting.agendaItem(people.green))).toMatch(/Note only|by Grace Okafor/);
    await tom.page.getByRole('button', { name: 'Start the meeting and chair it' }).click();

    // Every screen follows the chair to the first person.
    for (const screen of [tomMeeting, graceMeeting, lucyMeeting, danMeeting])
      await expect.poll(() => screen.shownName()).toBe(people.red);
    await expect.poll(textOf(graceMeeting.follow())).toBe('Following Dr Tom Reid, the chair.');
    expect(await accessibilityProblems(tom.page)).toEqual([]);
    expect(await accessibilityProblems(grace.page)).toEqual([]);

    // The meeting-room screen: the one person, large, and nothing to fill in.
    await grace.page.getByRole('button', { name: 'Meeting-room screen' }).click();
    await expect.poll(() => graceMeeting.shownName()).toBe(people.red);
    const nameSize = await graceMeeting
      .person()
      .getByRole('heading', { level: 3 })
      .evaluate((el) => parseFloat(el.ownerDocument.defaultView!.getComputedStyle(el).fontSize));
    expect(nameSize).toBeGreaterThanOrEqual(48);
    expect(await grace.page.getByTestId('meeting-outcome').count()).toBe(0);
    expect(await accessibilityProblems(grace.page)).toEqual([]);
    await grace.page.getByRole('button', { name: 'Leave the meeting-room screen' }).click();
    await grace.page.getByTestId('meeting-outcome').waitFor();

    // The timer, held by the server, agrees across browsers within a second.
    await expect.poll(() => tomMeeting.timerSeconds(), { timeout: 5_000 }).toBeGreaterThanOrEqual(1);
    const seconds = await Promise.all(
      [tomMeeting, graceMeeting, lucyMeeting, danMeeting].map((m) => m.timerSeconds()),
    );
    expect(Math.max(...seconds) - Math.min(...seconds)).toBeLessThanOrEqual(1);

    // Attendance: those who opened the meeting, by organisation.
    const attendance = tom.page.getByTestId('meeting-attendance');
    await expect
      .poll(textOf(attendance))
      .toMatch(/Dan Morris.*Grace Okafor.*Dr Tom Reid|Dan Morris[\s\S]*Grace Okafor/);
    await expect.poll(async () => await attendance.locator('li').count()).toBe(4);

    // Grace writes the outcome live; Dan agrees an action from the outcome line; both reach the chair.
    await graceMeeting.recordOutcome('Decision', 'Refer to the falls clinic this week');
    await expect.poll(textOf(tom.page.getByTestId('outcome-by'))).toBe('Written by Grace Okafor');
    expect(await tom.page.getByTestId('meeting-outcome').getByLabel('What was agreed').inputValue()).toBe(
      'Refer to the falls clinic this week',
    );
    const quick = dan.page.getByRole('region', { name: `Add an action for ${people.red}` });
    await quick.getByLabel('Action', { exact: true }).fill('Book the falls clinic');
    const owner = quick.getByLabel('Owner', { exact: true });
    const dans = (await owner.locator('option').allTextContents()).find((o) => o.startsWith('Dan Morris'));
    await owner.selectOption({ label: dans! });
    await quick.getByLabel('Due date', { exact: true }).fill(addDays(todayIsoDate(), 3));
    await quick.getByRole('button', { name: 'Add action' }).click();
    await expect
      .poll(textOf(tom.page.getByTestId('agreed-actions')))
      .toMatch(/Book the falls clinic: Dan Morris/);

    // Lucy, on her phone, looks at someone else on her own and comes back.
    await lucyMeeting.agendaItem(people.unrated).getByRole('button').first().click();
    await expect.poll(() => lucyMeeting.shownName()).toBe(people.unrated);
    await expect.poll(textOf(lucyMeeting.follow())).toMatch(/looking at .* on your own/);
    expect(await lucyMeeting.sidewaysScroll()).toBe(0);
    expect(await accessibilityProblems(lucy.page)).toEqual([]);
    await lucy.page.getByRole('button', { name: 'Back to the meeting' }).click();
    await expect.poll(() => lucyMeeting.shownName()).toBe(people.red);

    // The chair moves on: everyone follows.
    await tom.page.getByTestId('next-person').click();
    for (const screen of [graceMeeting, lucyMeeting, danMeeting])
      await expect.poll(() => screen.shownName()).toBe(people.amber);

    // The chair finishes: Colin was noted, Dora not reached and carried over with the reason given.
    await tom.page.getByRole('button', { name: 'Finish the meeting' }).click();
    await expect
      .poll(textOf(tom.page.getByTestId('not-reached')))
      .toMatch(new RegExp(`One person has not been reached: ${people.unrated}`));
    await tom.page.getByLabel('Why they are carried over').fill('Ran out of time');
    expect(await accessibilityProblems(tom.page)).toEqual([]);
    await tom.page.getByRole('button', { name: 'Finish and save the summary' }).click();
    const summary = tom.page.getByTestId('meeting-summary');
    await summary.getByRole('heading', { level: 2, name: /^Summary of Daily handover/ }).waitFor();
    const person = (name: string) => summary.getByTestId('summary-person').filter({ hasText: name });
    expect(await textOf(person(people.red))()).toMatch(
      /Discussed[\s\S]*Decision: Refer to the falls clinic this week[\s\S]*Book the falls clinic: Dan Morris/,
    );
    expect(await textOf(person(people.green))()).toMatch(/Noted without discussion/);
    expect(await textOf(person(people.unrated))()).toMatch(/Carried over[\s\S]*Why: Ran out of time/);
    expect(await textOf(summary.getByTestId('summary-attendance'))()).toMatch(
      /Lucy Evans[\s\S]*Riverside Council Adult Social Care/,
    );
    expect(await accessibilityProblems(tom.page)).toEqual([]);

    // Printed, the summary is the content alone: no controls, no forms, no navigation.
    await tom.page.emulateMedia({ media: 'print' });
    const visibleControls = await tom.page.evaluate<number>(
      `[...document.querySelectorAll('button, input, select, textarea, nav, form')].filter((el) => el.getClientRects().length > 0).length`,
    );
    expect(visibleControls).toBe(0);
    expect(
      await summary.getByRole('heading', { level: 2, name: /^Summary of Daily handover/ }).isVisible(),
    ).toBe(true);
    await tom.page.emulateMedia({ media: 'screen' });

    // The summary's email reaches the attending organisations' members: initials and a link only.
    const mailTo = (email: string) =>
      smtp!.received.filter((m) => m.to.includes(email) && m.subject.startsWith('Huddle: summary of'));
    await expect.poll(() => mailTo(demo.lucy.email).length).toBe(1);
    const mail = mailTo(demo.lucy.email)[0]!;
    expect(mail.subject).toMatch(/^Huddle: summary of Daily handover/);
    expect(mail.text).toContain(`/boards/${board.id}/meetings/`);
    expect(mail.text).toMatch(new RegExp(`- ${initialsOf(people.unrated)}: carried over`));
    expect(mail.text).not.toMatch(/Arthur|Dora|falls clinic/);
    expect(mailTo(demo.helen.email)).toEqual([]);

    // The team's pulse: hidden until four of those who attended have answered, always with the count.
    const summaryUrl = tom.page.url();
    const answerPulse = async (page: typeof tom.page, answers: number[]) => {
      const pulse = page.getByTestId('meeting-pulse');
      for (const [index, answer] of answers.entries())
        await pulse.locator(`#pulse-q${index}-${answer}`).check();
      await pulse.getByRole('button', { name: 'Send my answers' }).click();
      await pulse.getByText('Thank you: your answers are in.').waitFor();
      return textOf(pulse.getByTestId('pulse-count'))();
    };
    expect(await accessibilityProblems(tom.page)).toEqual([]);
    expect(await answerPulse(tom.page, [5, 4, 4, 3])).toMatch(
      /One person has answered.\s+The answers are shown once 4 have/,
    );
    for (const actor of [lucy, dan]) await actor.page.goto(summaryUrl);
    expect(await answerPulse(lucy.page, [4, 4, 5, 3])).toMatch(
      /2 people have answered.\s+The answers are shown once 4 have/,
    );
    expect(await answerPulse(dan.page, [3, 2, 4, 3])).toMatch(/3 people have answered/);
    expect(await dan.page.getByTestId('pulse-results').count()).toBe(0);

    // After the meeting, an outcome is added to only as a signed amendment; it shows on every screen.
    await grace.page.goto(tom.page.url());
    const graceSummary = grace.page.getByTestId('meeting-summary');
    expect(await answerPulse(grace.page, [4, 4, 3, 3])).toMatch(/4 people have answered/);
    await expect
      .poll(textOf(grace.page.getByTestId('pulse-results')))
      .toMatch(/We agreed clear actions\s*4\.0/);
    // The facilitator sees the week's meeting and its pulse on the progress page.
    await tom.page.goto('/progress');
    const meetingsFigures = tom.page.getByTestId('progress-meetings');
    await expect
      .poll(textOf(meetingsFigures), { timeout: 15_000 })
      .toMatch(/Riverside frailty MDT[\s\S]*\(4 answers\)/);
    expect(await accessibilityProblems(tom.page, '[data-testid="progress-meetings"]')).toEqual([]);
    await tom.page.goto(summaryUrl);
    await graceSummary.getByText(`Add a signed amendment for ${people.red}`).click();
    await graceSummary
      .getByLabel(`What to add, signed with your name for ${people.red}`)
      .fill('GP told by phone at 2pm');
    await graceSummary.getByRole('button', { name: 'Sign and add' }).first().click();
    await expect
      .poll(textOf(person(people.red).getByTestId('summary-amendment')))
      .toMatch(/Amendment signed by Grace Okafor[\s\S]*GP told by phone at 2pm/);
    await grace.page.goto(MeetingPage.meetingPath(board.id));

    // The others' screens leave the meeting; the version is saved with the meeting's name.
    await expect.poll(() => graceMeeting.state()).toBe('none');
    await tom.page.getByRole('link', { name: 'The board as it was when the meeting finished' }).click();
    await tom.page.getByTestId('version-banner').waitFor();
    await expect.poll(textOf(tom.page.getByTestId('version-banner'))).toMatch(/Past version: Daily handover/);

    // The next meeting's agenda carries Dora over with the reason.
    await graceMeeting.prepare('Daily handover');
    expect(await textOf(graceMeeting.agendaItem(people.unrated))()).toMatch(/Carried over: Ran out of time/);
    // A whole meeting in four browsers, from the agenda to the next one's: longer than one view's test.
  }, 180_000);

  it('the privacy screen shows initials and hides NHS numbers and dates of birth, on this device until switched off', async () => {
    const board = await scenario.server.createBoard(unique('E2E privacy'));
    const name = unique('Margaret Ellis');
    const grace = await scenario.signedIn(demo.grace, BoardPage.path(board.id));
    const handover = new HandoverPage(grace.page);
    await handover.waitUntilLive();
    await handover.addPerson({ name, nhsNumber: '999 000 0018', risk: 'red', riskReason: 'Falls' });
    await handover.person(name).waitFor();
    await grace.page.getByRole('button', { name: 'Privacy screen' }).click();
    const banner = grace.page.getByTestId('privacy-screen');
    await banner.waitFor();
    await expect
      .poll(textOf(banner))
      .toMatch(/Privacy screen on: initials only; NHS numbers and dates of birth hidden/);
    const initials = name
      .split(' ')
      .map((part) => part[0]!.toUpperCase())
      .join(' ');
    expect(await handover.names()).toContain(initials);
    expect(await handover.names()).not.toContain(name);
    expect(await textOf(handover.view())()).not.toMatch(/0018/);
    expect(await accessibilityProblems(grace.page)).toEqual([]);
    // Remembered on this device: still on after a reload, until switched off.
    await grace.page.reload();
    await handover.waitUntilLive();
    await expect.poll(() => handover.names()).toContain(initials);
    await grace.page.getByRole('button', { name: 'Turn the privacy screen off' }).click();
    await expect.poll(() => handover.names()).toContain(name);
  });
});
