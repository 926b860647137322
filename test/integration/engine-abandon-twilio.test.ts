/**
 * Abandoned calls through the Twilio adapter against the fake Twilio over real HTTP: the abandon is a
 * call update carrying the message as TwiML (<Say>…<Hangup/>), Twilio's own contract, and the completed
 * callback that follows closes the attempt `abandoned`. Call time runs on the test's clock.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TwilioProvider } from '#adapters/telephony/twilio/twilio-provider.ts';
import type { engineSteps } from '../support/engine-steps.ts';
import type { FakeTwilio } from '../support/fake-twilio.ts';
import type { TestSystem } from '../support/system.ts';
import { freshNumbers, startTwilioSystem, type TwilioSystem } from '../support/twilio-system.ts';

let twilio: TwilioSystem;
let fake: FakeTwilio;
let sys: TestSystem;
let steps: ReturnType<typeof engineSteps>;

beforeAll(async () => {
  twilio = await startTwilioSystem();
  ({ fake, sys, steps } = twilio);
});

afterAll(() => twilio?.close());

const aNumber = freshNumbers();

describe('abandoned calls on Twilio', () => {
  it('updates the waiting call with the message and a hangup as TwiML, and closes it abandoned', async () => {
    const tag = randomUUID();
    const [agentId] = await steps.given.agents(1, 'available', [tag]);
    const h = await steps.given.campaign({
      targets: [aNumber()],
      queueTags: [tag],
      campaign: {
        abandon_after_ms: 2000,
        abandon_message: [{ type: 'talk', option: { text: 'Acme & Co: call us on 0800 123 456.' } }],
      },
    });
    await steps.when.theTickRuns();
    await steps.when.theDialerRuns();
    await steps.when.agentIs(agentId!, 'away');
    await steps.when.timePasses(2000); // answered, nobody free: waits in the Twilio queue
    const [call] = await steps.read.calls(h.id);
    expect(call.status).toBe('progressing');
    const sid = (await sys.engine.deps.engine.getCampaigncall(call.id))?._call_id;

    await steps.when.timePasses(2000);
    await sys.engine.drainDelayed();
    expect(fake.twimlUpdates).toEqual([
      {
        sid,
        twiml:
          '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Acme &amp; Co: call us on 0800 123 456.</Say><Hangup/></Response>',
      },
    ]);
    await steps.when.timePasses(1000); // the message plays, then Twilio hangs up and calls back
    expect(await steps.read.call(call.id)).toMatchObject({ status: 'done', result: 'fail' });
    expect((await sys.customer.get(`/campaigns/${h.id}/stats`)).body.failed_by_reason).toMatchObject({
      abandoned: 1,
    });

    // Late, the same check again: the call has ended, and Twilio is not asked again.
    await sys.engine.deps.dialQueue.sendLater({ campaigncallId: call.id, kind: 'abandon' }, 0);
    await sys.engine.drainDelayed();
    expect(fake.twimlUpdates).toHaveLength(1);
  });

  it('treats a call Twilio says is no longer in progress (21220) as ended', async () => {
    const adapter = sys.engine.deps.provider as TwilioProvider;
    const tag = randomUUID();
    await steps.given.agents(1, 'available', [tag]);
    const number = aNumber();
    fake.outcomeFor(number, 'busy');
    const h = await steps.given.campaign({ targets: [number], queueTags: [tag] });
    await steps.when.theTickRuns();
    await steps.when.theDialerRuns();
    await steps.when.timePasses(1000);
    const [call] = await steps.read.calls(h.id);
    const sid = (await sys.engine.deps.engine.getCampaigncall(call.id))?._call_id;
    await expect(adapter.interrupt(sid ?? '', [])).resolves.toBeUndefined();
    expect(fake.twimlUpdates.map((u) => u.sid)).not.toContain(sid);
  });
});
