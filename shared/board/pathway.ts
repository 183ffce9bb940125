import { z } from 'zod';

/**
 * One stage of a board's pathway. Stages live in the board document's `pathwayStages` collection
 * (id -> stage) and are shown in `order`; hospital and community teams share the same stages.
 */
export const STAGE_NAME_MAX = 80;

export const pathwayStageSchema = z.object({
  name: z.string().trim().min(1, 'Give the stage a name').max(STAGE_NAME_MAX),
  order: z.number().int().min(0),
  /** How many people the stage should hold at most; a warning, not a rule. */
  limit: z.number().int().min(1).nullable().default(null),
});
export type PathwayStage = z.infer<typeof pathwayStageSchema>;

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
