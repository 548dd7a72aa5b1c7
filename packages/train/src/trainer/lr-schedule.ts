import { z } from 'zod';

export const LrScheduleSchema = z.object({
  learningRate: z.number().positive(),
  /** linear warmup from 0 over this many steps */
  warmupSteps: z.number().int().nonnegative().default(0),
  /** cosine decay from the peak to minLrRatio · peak at totalSteps */
  minLrRatio: z.number().min(0).max(1).default(0.1),
});
export type LrSchedule = z.infer<typeof LrScheduleSchema>;

/** The learning rate of optimizer step `step` (0-based) out of `totalSteps`: linear warmup, then cosine decay. */
export function learningRateAt(schedule: LrSchedule, step: number, totalSteps: number): number {
  const { learningRate, warmupSteps, minLrRatio } = schedule;
  if (step < warmupSteps) return (learningRate * (step + 1)) / warmupSteps;
  const span = Math.max(1, totalSteps - warmupSteps);
  const progress = Math.min(1, (step - warmupSteps) / span);
  const cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
  return learningRate * (minLrRatio + (1 - minLrRatio) * cosine);
}
