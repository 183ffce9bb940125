import { z } from 'zod';

/*
 * Fields several requests share, with the messages a person reads in the browser and from the server.
 */

export const NAME_MAX = 120;
export const EMAIL_MAX = 254;

/** A name of something (`what`: "the team name"), trimmed, 1 to NAME_MAX characters. */
export const name = (what: string) =>
  z
    .string({ error: `Enter ${what}` })
    .trim()
    .min(1, `Enter ${what}`)
    .max(NAME_MAX, `Keep ${what} to ${NAME_MAX} characters or fewer`);

/** The id of something chosen from a list. */
export const id = z.string({ error: 'Choose one' }).min(1, 'Choose one').max(64);

export const email = z
  .string({ error: 'Enter an email address' })
  .trim()
  .toLowerCase()
  .min(1, 'Enter an email address')
  .max(EMAIL_MAX, `Keep the email address to ${EMAIL_MAX} characters or fewer`)
  .pipe(z.email({ error: 'Enter an email address in the right format, like name@example.nhs.uk' }));
