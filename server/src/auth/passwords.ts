import { randomInt } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

// argon2id with the library's defaults (19 MiB, 2 passes, 1 lane: the OWASP minimum for argon2id).
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// A hash of a password nobody knows, verified when the account does not exist so that a wrong email
// takes as long as a wrong password and the timing does not tell which accounts exist.
const decoyHash = hash('decoy password that no account has');

/** True when `password` matches `passwordHash`. A missing hash never matches (and takes as long). */
export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (!passwordHash) {
    await verify(await decoyHash, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}

// No 0/O, 1/l/I: read aloud or copied by hand without mistakes.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A one-time password an admin passes on: four groups of four, about 79 bits. */
export function temporaryPassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let group = '';
    for (let i = 0; i < 4; i++) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}
