import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../api/http.ts';
import { errorMessage } from './errorMessage.ts';

describe('errorMessage', () => {
  it("gives a refused request's or a broken rule's own words", () => {
    expect(errorMessage(new ApiRequestError('That email is already in use', 409), 'Not saved')).toBe(
      'That email is already in use',
    );
    expect(errorMessage(new Error('You can view this board but not change it'), 'Not saved')).toBe(
      'You can view this board but not change it',
    );
  });

  it('gives the fallback for a bug, a message-less error or something thrown that is not an error', () => {
    expect(
      errorMessage(new TypeError("Cannot read properties of undefined (reading 'id')"), 'Not saved'),
    ).toBe('Not saved');
    expect(errorMessage(new Error(''), 'Not saved')).toBe('Not saved');
    expect(errorMessage('offline', 'Not saved')).toBe('Not saved');
    expect(errorMessage(undefined, 'Not saved')).toBe('Not saved');
  });
});
