import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { email as emailSchema } from '#shared/fields';
import { temporaryPassword } from '../auth/passwords.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/connect.ts';
import { createLogger } from '../log.ts';
import { UsersRepository } from '../users/usersRepository.ts';

const USAGE = `Creates the first admin of a Huddle installation, or makes an existing user an admin.

  npm run create-admin -- --email asha.patel@example.nhs.uk --name "Asha Patel" [--profession "Digital services"]

Uses the same database as the server (DATABASE_URL, or PGlite in DATA_DIR). Prints a one-time
temporary password, which must be changed at first sign-in.`;

const say = (line: string) => process.stdout.write(`${line}\n`);
const complain = (line: string) => process.stderr.write(`${line}\n`);

const options = z.object({
  email: emailSchema,
  name: z.string({ error: 'Give their full name' }).trim().min(1, 'Give their full name').max(120),
  profession: z.string().trim().min(1).max(80).default('Administrator'),
});

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      profession: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    say(USAGE);
    return 0;
  }
  const parsed = options.safeParse(values);
  if (!parsed.success) {
    complain(
      `${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n')}\n\n${USAGE}`,
    );
    return 2;
  }
  const config = loadConfig();
  const log = createLogger('warn');
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, log });
  try {
    const users = new UsersRepository(database.db);
    const password = temporaryPassword();
    const existing = await users.findByEmail(parsed.data.email);
    let userId: string;
    if (existing) {
      userId = existing.id;
      await database.db
        .updateTable('users')
        .set({ role: 'admin', active: true, updated_at: new Date() })
        .where('id', '=', userId)
        .execute();
      say(`${existing.name} <${existing.email}> is now an admin.`);
    } else {
      userId = randomUUID();
      await database.db
        .insertInto('users')
        .values({
          id: userId,
          name: parsed.data.name,
          email: parsed.data.email,
          profession: parsed.data.profession,
          organisation_id: null,
          role: 'admin',
          password_hash: null,
        })
        .execute();
      say(`Created admin ${parsed.data.name} <${parsed.data.email}>.`);
    }
    await users.setPassword(userId, password, { temporary: true });
    say(`Temporary password (shown once; it must be changed at first sign-in): ${password}`);
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    complain(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
