import nodemailer from 'nodemailer';
import type { Logger } from '../log.ts';

/** Sends one email; says how it went out. */
export interface Mailer {
  send(message: { to: string; subject: string; text: string }): Promise<'smtp' | 'log'>;
  close(): void;
}

/**
 * Email through SMTP (nodemailer) when `SMTP_URL` is set; otherwise to the log, so the demo works
 * with no mail server (every email is in the `email_outbox` table either way).
 */
export function createMailer(smtpUrl: string | null, from: string, log: Logger): Mailer {
  if (!smtpUrl) {
    return {
      async send({ to, subject, text }) {
        log.info({ to, subject, text }, 'email (no SMTP_URL is set, so it is logged rather than sent)');
        return 'log';
      },
      close: () => undefined,
    };
  }
  const transport = nodemailer.createTransport(smtpUrl, { from });
  return {
    async send({ to, subject, text }) {
      await transport.sendMail({ to, subject, text });
      return 'smtp';
    },
    close: () => transport.close(),
  };
}
