import { z } from 'zod';
import { daysBetween, todayIsoDate } from './record.ts';

/**
 * One stage of a board's pathway. Stages live in the board document's `pathwayStages` collection
 * (id -> stage) and are shown in `order`; hospital and community teams share the same stages.
 */
export const STAGE_NAME_MAX = 80;

export const STAGE_LIMIT_MAX = 999;

const stageFields = {
  name: z
    .string({ error: 'Give the stage a name' })
    .trim()
    .min(1, 'Give the stage a name')
    .max(STAGE_NAME_MAX, `Keep the stage name to ${STAGE_NAME_MAX} characters or fewer`),
  /** How many people the stage should hold at most; a warning, not a rule. */
  limit: z
    .number({ error: `Give the limit as a whole number from 1 to ${STAGE_LIMIT_MAX}, or leave it empty` })
    .int(`Give the limit as a whole number from 1 to ${STAGE_LIMIT_MAX}, or leave it empty`)
    .min(1, `Give the limit as a whole number from 1 to ${STAGE_LIMIT_MAX}, or leave it empty`)
    .max(STAGE_LIMIT_MAX, `Give the limit as a whole number from 1 to ${STAGE_LIMIT_MAX}, or leave it empty`)
    .nullable()
    .default(null),
};

export const pathwayStageSchema = z.object({
  ...stageFields,
  /** Position on the pathway: stages are shown by `order` (a fraction, so a move rewrites one stage). */
  order: z.number().finite(),
});
export type PathwayStage = z.infer<typeof pathwayStageSchema>;

/** What a person fills in to add a stage or change one. */
export const stageInputSchema = z.object(stageFields);
export type StageInput = z.input<typeof stageInputSchema>;

/** A stage with its id, as views list them. */
export type PathwayStageRecord = PathwayStage & { id: string };

/** Why a stage cannot be removed while `count` people are at it, or null when nobody is. */
export function stageRemovalProblem(count: number): string | null {
  if (count === 0) return null;
  return `${count === 1 ? '1 person is' : `${count} people are`} at this stage: move them to another stage first`;
}

/** Whether a stage holds more people than its limit asks. */
export function isOverLimit(stage: Pick<PathwayStage, 'limit'>, count: number): boolean {
  return stage.limit !== null && count > stage.limit;
}

/** Whole days a person has been at their stage, from the day they entered it to `today`. */
export function daysInStage(enteredAt: string | null, today: string): number | null {
  if (!enteredAt) return null;
  const entered = new Date(enteredAt);
  if (Number.isNaN(entered.getTime())) return null;
  const day = todayIsoDate(entered);
  return Math.max(0, daysBetween(day, today));
}

export const PATHWAY_TEMPLATE_IDS = ['frailty', 'blank'] as const;
export type PathwayTemplateId = (typeof PATHWAY_TEMPLATE_IDS)[number];

export interface PathwayTemplate {
  id: PathwayTemplateId;
  label: string;
  description: string;
  stages: readonly string[];
}

export const PATHWAY_TEMPLATES: Record<PathwayTemplateId, PathwayTemplate> = {
  frailty: {
    id: 'frailty',
    label: 'Frailty',
    description: 'Identified, assessed, planned, supported, reviewed and stepped down',
    stages: [
      'Identified',
      'Comprehensive Geriatric Assessment',
      'Care and support plan',
      'Interventions',
      'Review',
      'Stepped down',
    ],
  },
  blank: {
    id: 'blank',
    label: 'Blank',
    description: 'No stages yet: the team adds its own',
    stages: [],
  },
};

/** The stages a new board starts with, ready to write into its document. */
export function stagesFromTemplate(template: PathwayTemplateId): PathwayStage[] {
  return PATHWAY_TEMPLATES[template].stages.map((name, order) => ({ name, order, limit: null }));
}
