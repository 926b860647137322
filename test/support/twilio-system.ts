/**
 * The engine test system with the Twilio adapter in place of the simulator, talking to a fake Twilio
 * over real HTTP. Calls on the fake run on the system's clock, so a test moves call time as it does
 * with the simulator; the adapter's answer TwiML is the campaign's, read from the system's own table.
 */
import { randomBytes } from 'node:crypto';
import { TwilioProvider } from '#adapters/telephony/twilio/twilio-provider.ts';
import { campaignTwiml } from '#adapters/telephony/twilio/twiml.ts';
import type { TelephonyProvider } from '#ports/telephony.ts';
import { engineSteps } from './engine-steps.ts';
import { FakeTwilio, type FakeTwilioOptions } from './fake-twilio.ts';
import { startTestSystem, type TestSystem } from './system.ts';

export interface TwilioSystemOptions {
  /** Settings of the fake beyond the account; calls ring 2 s and talk 5 s unless these say. */
  fake?: Omit<FakeTwilioOptions, 'accountSid' | 'authToken'>;
  /** The adapter's client timeout of a create (wall clock); the adapter's default unless set. */
  requestTimeoutMs?: number;
  /** What the engine dials through, built around the adapter (a CPS budget, say); the adapter itself unless set. */
  provider?: (twilio: TwilioProvider, accountSid: string) => TelephonyProvider;
}

export interface TwilioSystem {
  /** A fresh account SID and auth token per system: the fake checks the one, signs with the other. */
  accountSid: string;
  authToken: string;
  fake: FakeTwilio;
  sys: TestSystem;
  steps: ReturnType<typeof engineSteps>;
  close(): Promise<void>;
}

export const startTwilioSystem = async (options: TwilioSystemOptions = {}): Promise<TwilioSystem> => {
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  const fake = await FakeTwilio.start({ accountSid, authToken, ringMs: 2000, talkMs: 5000, ...options.fake });
  // The adapter is built before the system it reads campaigns and time from, so it reaches them late.
  let current: TestSystem | undefined;
  const twilio = new TwilioProvider({
    accountSid,
    authToken,
    baseUrl: fake.baseUrl,
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
    clock: { now: () => current?.clock.now() ?? Date.now() },
    answerTwiml: (req) => {
      if (!current) throw new Error('system not started');
      return campaignTwiml(current.engine.deps.engine)(req);
    },
  });
  let sys: TestSystem;
  try {
    sys = await startTestSystem({ provider: options.provider?.(twilio, accountSid) ?? twilio });
  } catch (error) {
    await fake.close();
    throw error;
  }
  current = sys;
  fake.useClock(sys.scheduler, () => sys.clock.peek());
  return {
    accountSid,
    authToken,
    fake,
    sys,
    steps: engineSteps(sys),
    close: async () => {
      await sys.close();
      await fake.close();
    },
  };
};

/**
 * Fresh E.164 numbers, one per call: a new one per target keeps the fake's records of one test apart
 * from another's in the same file (the fake keys its outcomes and records by the number called).
 */
export const freshNumbers = () => {
  let serial = 0;
  return () => `+1555${String(Date.now() % 1000).padStart(3, '0')}${String(++serial).padStart(4, '0')}`;
};
