import { isUniqueViolation } from '../db/errors.ts';
import { HttpError } from './errors.ts';

/**
 * Runs a write that a unique constraint guards. When the value is taken, answers 409 with the message
 * on the field (`path`) that caused it, so the form shows it there.
 */
export async function unlessTaken<T>(write: () => Promise<T>, path: string, message: string): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new HttpError(409, message, [{ path, message }]);
    throw error;
  }
}
