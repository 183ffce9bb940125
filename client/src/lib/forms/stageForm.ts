import {
  STAGE_LIMIT_MAX,
  STAGE_NAME_MAX,
  stageInputSchema,
  type PathwayStage,
  type StageInput,
} from '#shared/board/pathway';
import { fieldErrors, type FieldErrors } from './formErrors.ts';
import { lengthErrors, type TextLimit } from './textLimits.ts';

/** What a stage form holds: strings, as the inputs give them. */
export interface StageFormValues {
  name: string;
  limit: string;
}

export type StageFormField = keyof StageFormValues;

export const STAGE_FORM_FIELDS: StageFormField[] = ['name', 'limit'];

export const LIMIT_PROBLEM = `Give the limit as a whole number from 1 to ${STAGE_LIMIT_MAX}, or leave it empty`;

/** The typed fields' limits, for the character count and the message when one is too long. */
export const STAGE_TEXT_LIMITS: Partial<Record<StageFormField, TextLimit>> = {
  name: { max: STAGE_NAME_MAX, what: 'the stage name' },
};

export function emptyStageForm(): StageFormValues {
  return { name: '', limit: '' };
}

export function stageFormFrom(stage: Pick<PathwayStage, 'name' | 'limit'>): StageFormValues {
  return { name: stage.name, limit: stage.limit === null ? '' : String(stage.limit) };
}

export type StageFormResult =
  { ok: true; input: StageInput } | { ok: false; errors: FieldErrors<StageFormField> };

/** Checks a stage form; an empty limit means the stage has none. */
export function validateStageForm(values: StageFormValues): StageFormResult {
  const limitText = values.limit.trim();
  const errors: FieldErrors<StageFormField> = {};
  if (limitText !== '' && !/^\d+$/.test(limitText)) errors.limit = LIMIT_PROBLEM;
  const parsed = stageInputSchema.safeParse({
    name: values.name,
    limit: limitText === '' || errors.limit ? null : Number(limitText),
  });
  if (!parsed.success) {
    const found = fieldErrors(parsed.error.issues, STAGE_FORM_FIELDS);
    errors.name ??= found.errors.name ?? found.other[0];
    errors.limit ??= found.errors.limit;
  }
  Object.assign(errors, lengthErrors(values, STAGE_TEXT_LIMITS));
  if (errors.name || errors.limit || !parsed.success) return { ok: false, errors };
  return { ok: true, input: parsed.data };
}
