/**
 * JVM options for the tests' DynamoDB Locals (global-setup.ts, and `npm start` in the console tests):
 * the client compiler only. A test run's instance lives minutes, and a good part of its CPU in the
 * first of them went to the optimising compiler: started, then sent 19,800 requests of the engine's kinds
 * (puts, updates, transactions, gets, queries, 8 at a time), an instance used 34–42 CPU-seconds with
 * this option (three runs) against 49–57 without (two), while a request once warm cost about the same
 * (1.4–1.8 ms either way). On 2 cores that CPU is taken from the tests.
 */
export const TEST_JAVA_OPTIONS = '-XX:TieredStopAtLevel=1';

/** The environment with TEST_JAVA_OPTIONS for Java, unless the caller set JAVA_TOOL_OPTIONS already. */
export const withTestJavaOptions = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  ...env,
  JAVA_TOOL_OPTIONS: env.JAVA_TOOL_OPTIONS ?? TEST_JAVA_OPTIONS,
});
