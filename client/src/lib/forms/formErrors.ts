import type { ErrorItem } from '../../components/app/AppErrorSummary.vue';

export type FieldErrors<F extends string> = Partial<Record<F, string>>;

/** A problem with a request, from zod (`path` is an array) or from the server (`path` is "field.0"). */
interface Issue {
  path: string | readonly PropertyKey[];
  message: string;
}

function firstSegment(path: Issue['path']): string {
  if (typeof path === 'string') return path.split('.')[0] ?? '';
  const first = path[0];
  return typeof first === 'string' ? first : '';
}

/** The first message for each known field; problems with no known field are returned as `other`. */
export function fieldErrors<F extends string>(
  issues: readonly Issue[],
  fields: readonly F[],
): { errors: FieldErrors<F>; other: string[] } {
  const errors: FieldErrors<F> = {};
  const other: string[] = [];
  for (const issue of issues) {
    const field = firstSegment(issue.path);
    if ((fields as readonly string[]).includes(field)) {
      errors[field as F] ??= issue.message;
    } else if (!other.includes(issue.message)) {
      other.push(issue.message);
    }
  }
  return { errors, other };
}

/** Error summary items in the order the fields are on screen, each linking to its field. */
export function errorSummary<F extends string>(
  errors: FieldErrors<F>,
  fields: readonly F[],
  fieldId: (field: F) => string,
): ErrorItem[] {
  return fields.flatMap((field) => {
    const text = errors[field];
    return text ? [{ text, href: `#${fieldId(field)}` }] : [];
  });
}
