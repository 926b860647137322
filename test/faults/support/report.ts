/**
 * Figures of the fault suite. Each case records its rows here; the project's teardown prints them as
 * one table after the run (test/faults/support/print-report.ts), so CI logs show what was measured.
 */
import { appendFileSync } from 'node:fs';
import { inject } from 'vitest';

export interface FaultFigure {
  /** What was counted or measured, e.g. "double dials" or "healthy customer p99 (beside flood)". */
  figure: string;
  value: number | string;
  /** The bound the case asserts, e.g. "= 0" or "≤ 2× alone (38 ms)". */
  bound?: string;
}

/** Appends a case's figures to the run's report (one JSON line per case). */
export const recordFigures = (faultCase: string, figures: FaultFigure[]) => {
  appendFileSync(inject('faultsReport'), `${JSON.stringify({ faultCase, figures })}\n`);
};
