/**
 * JVM options for the tests' DynamoDB Locals (global-setup.ts, and `npm start` in the console tests):
 * the client compiler only. A test run's instance lives minutes, and most of its CPU in the first of
 * them went to the optimising compiler: over 18,000 requests of the engine's kinds (puts, updates,
 * transactions, gets, queries) it used 42 CPU-seconds with this option against 57 without, while the
 * cost per request once warm was the same (1.8 ms). On 2 cores that CPU is taken from the tests.
 */
export const TEST_JAVA_OPTIONS = '-XX:TieredStopAtLevel=1';

/** The environment with TEST_JAVA_OPTIONS for Java, unless the caller set JAVA_TOOL_OPTIONS already. */
export const withTestJavaOptions = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  ...env,
  JAVA_TOOL_OPTIONS: env.JAVA_TOOL_OPTIONS ?? TEST_JAVA_OPTIONS,
});
