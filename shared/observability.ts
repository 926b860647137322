import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CallCounts } from '#services/events/call-metrics.ts';

/** One logger per process; Powertools reads POWERTOOLS_SERVICE_NAME / POWERTOOLS_LOG_LEVEL. */
export const logger = new Logger({ serviceName: 'outbound' });

/**
 * One metrics writer per process: CloudWatch Embedded Metric Format lines on stdout, which Lambda's log
 * group turns into metrics (no PutMetricData call, no IAM). The namespace comes from
 * POWERTOOLS_METRICS_NAMESPACE, set by the stack (infra/constructs/events.ts).
 */
export const metrics = /* @__PURE__ */ new Metrics({ serviceName: 'outbound' });

/** Dimension holding the hangup reason of failed calls (the dashboard searches on it). */
export const REASON_DIMENSION = 'reason';

/**
 * Writes a batch's call counts: one EMF document with the totals (service dimension only), and one per
 * hangup reason with that reason's failures (service and reason). Zero counts are left out.
 */
export const publishCallCounts = (counts: CallCounts): void => {
  const failed = Object.values(counts.failedByReason).reduce((a, b) => a + b, 0);
  const totals: [string, number][] = [
    ['CallsPlaced', counts.placed],
    ['CallsAnswered', counts.answered],
    ['CallsSucceeded', counts.succeeded],
    ['CallsFailed', failed],
  ];
  for (const [name, value] of totals) if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  for (const [reason, value] of Object.entries(counts.failedByReason)) {
    if (value <= 0) continue;
    metrics
      .singleMetric()
      .addDimension(REASON_DIMENSION, reason)
      .addMetric('CallsFailed', MetricUnit.Count, value);
  }
};
