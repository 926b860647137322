/**
 * One test API server for all the tests of a file: started before the first, closed after the last,
 * its clock unfrozen after each test so a test that freezes time never hands frozen time to the next.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startTestApi, type TestApi, type TestApiOptions } from './local-api.ts';

/**
 * Registers the file's hooks and returns the server as the file's tests see it. The server exists only
 * from the file's beforeAll on, so read it inside tests and hooks, never at the top of the file.
 */
export const apiPerFile = (options: TestApiOptions = {}): TestApi => {
  let started: TestApi | undefined;
  const api = () => {
    if (!started) throw new Error('the test API starts in beforeAll: use it inside tests and hooks');
    return started;
  };
  beforeAll(async () => {
    started = await startTestApi(options);
  });
  afterEach(() => started?.clock.unfreeze());
  afterAll(() => started?.close());
  return {
    get url() {
      return api().url;
    },
    get port() {
      return api().port;
    },
    get deps() {
      return api().deps;
    },
    get clock() {
      return api().clock;
    },
    get adminKey() {
      return api().adminKey;
    },
    get admin() {
      return api().admin;
    },
    get anonymous() {
      return api().anonymous;
    },
    newCustomer: (name) => api().newCustomer(name),
    close: () => api().close(),
  };
};
