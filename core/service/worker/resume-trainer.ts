/** In a worker resuming a run (after a restart or a roll-back, runs/resume.ts): the saved weights, then the epochs already done. */
import type { Trainer } from '../../engine/trainer';
import { applyWeights, type ResumePoint } from './protocol';

export function resumeTrainer(trainer: Trainer, resume: ResumePoint): void {
  applyWeights(trainer.net, resume.weights);
  trainer.continueAfter(resume.history);
}
