/** In a worker resuming a run (after a restart or a roll-back, runs/resume.ts): the saved weights, then the epochs already done. */
import type { Trainer } from '../../engine/trainer';
import type { ResumePoint } from './protocol';

export function resumeTrainer(trainer: Trainer, resume: ResumePoint): void {
  const empty = new Float32Array(0);
  trainer.net.setParameters([empty, ...resume.weights.w], [empty, ...resume.weights.b]);
  trainer.continueAfter(resume.history);
}
