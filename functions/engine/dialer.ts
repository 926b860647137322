/** Lambda entry: the dial queue's consumer (partial batch failures, see dialer-handler.ts). */
import { buildDialerHandler } from './dialer-handler.ts';
import { withEngineDeps } from './engine-lambda.ts';

export const handler = withEngineDeps(buildDialerHandler);
