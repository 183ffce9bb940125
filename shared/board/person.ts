import { z } from 'zod';
import { isValidNhsNumber, normaliseNhsNumber } from '../nhsNumber.ts';
import { ISO_DATE } from './record.ts';

export const RISK_LEVELS = ['red', 'amber', 'green'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** Clinical Frailty Scale (Rockwood), index 0 is score 1. */
export const FRAILTY_LABELS = [
  'Very fit',
  'Well',
  'Managing well',
  'Vulnerable',
  'Mildly frail',
  'Moderately frail',
  'Severely frail',
  'Very severely frail',
  'Terminally ill',
] as const;

export function frailtyLabel(score: number): string | undefined {
  return FRAILTY_LABELS[score - 1];
}

/** Someone the team supports. Issue-by-issue this record grows (what matters, SBAR, pathway stage). */
export const personSchema = z.object({
  id: z.string().min(1),
  name: z.string().trim().min(1, 'Give the person a name').max(120),
  nhsNumber: z
    .string()
    .transform(normaliseNhsNumber)
    .refine(isValidNhsNumber, 'Not a valid NHS number (10 digits with a modulus 11 check digit)')
    .nullable()
    .default(null),
  dateOfBirth: z.string().regex(ISO_DATE).nullable().default(null),
  frailtyScore: z.number().int().min(1).max(9).nullable().default(null),
  risk: z.enum(RISK_LEVELS).nullable().default(null),
  riskReason: z.string().max(500).default(''),
});
export type Person = z.infer<typeof personSchema>;
