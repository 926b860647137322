import { Logger } from '@aws-lambda-powertools/logger';

/** One logger per process; Powertools reads POWERTOOLS_SERVICE_NAME / POWERTOOLS_LOG_LEVEL. */
export const logger = new Logger({ serviceName: 'outbound' });
