import { initialsOf } from '#shared/work';

/** NHS palette colours dark enough for white initials (contrast 4.5:1 or more). */
export const AVATAR_COLOURS = [
  '#005eb8',
  '#007f3b',
  '#330072',
  '#7c2855',
  '#d5281b',
  '#425563',
  '#ae2573',
  '#003087',
];

/** For people with no organisation. */
export const NO_ORGANISATION_COLOUR = '#4c6272';

/** The same colour for the same person on every device: picked from the palette by their id. */
export function avatarColourFor(id: string): string {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return AVATAR_COLOURS[hash % AVATAR_COLOURS.length] ?? '#005eb8';
}

/** "Dr Amira Shah" -> "AS"; "priya" -> "P". Titles such as Dr are skipped. */
export const initials = initialsOf;

/** Accepts only a colour from the palette, so a peer cannot inject arbitrary CSS. */
export function safeColour(colour: unknown): string {
  return typeof colour === 'string' && AVATAR_COLOURS.includes(colour) ? colour : '#425563';
}
