/**
 * A seeded, pure simulation of one campaign's pacing on a fake clock (no DynamoDB, no timers): an
 * hour of 100 agents runs in well under a second. It models what the engine does:
 * - every tick (5 s, as often as the engine visits a running campaign in AWS: TICK_PERIOD_MS) agents
 *   whose wrap-up is over become available, callers waiting in line are offered to free agents
 *   (oldest first), and the mode's pacing says how many calls may ring; the tick places
 *   `bound - ringing` new ones;
 * - a call rings for a sampled time and is answered by a person, a machine (which ends the call) or
 *   nobody (it rings until the ring timeout), drawn as the simulator draws them
 *   (shared/adapters/telephony/simulator/call-distributions.ts);
 * - a person who answers gets a free agent at once, or waits in line; one still waiting after
 *   `abandonAfterMs` is abandoned. An agent talks for the sampled talk time, then is in wrap-up for
 *   `wrapupMs` (made available again by the next tick, as the engine's tick does);
 * - predictive pacing is given each busy agent's time on its call (as the engine reads it from the
 *   busy agents' index), each ringing call's time since it was placed and the ring timeout (as the
 *   engine reads them off its runtime shards and the outplan) and the campaign's rates over a rolling window (the last hour, the current
 *   minute included, as the engine reads its minute items), each ended attempt showing a few seconds
 *   late (the table's stream).
 * Used by `npm run bench:pacing` and by the unit test of predictive pacing.
 */
import {
  type CallDistributions,
  mulberry32,
  type Random,
  sampleCall,
} from '#adapters/telephony/simulator/call-distributions.ts';
import { pacingBound } from '#domain/dialing.ts';
import {
  type MeasuredRates,
  type PredictiveDecision,
  type PredictiveInput,
  predictivePacing,
} from '#domain/predictive-pacing.ts';
import { TICK_PERIOD_MS } from '#services/engine/engine-deps.ts';

export type SimMode = 'service_level' | 'progressive' | 'predictive';

export interface PacingSimOptions {
  mode: SimMode;
  agents: number;
  distributions: CallDistributions;
  seed: number;
  /** @default 30_000: the outplan's dial_timeout. */
  ringTimeoutMs?: number;
  /** @default 10_000 */
  wrapupMs?: number;
  /** @default 2_000: a person who waits longer for an agent is abandoned. */
  abandonAfterMs?: number;
  /** @default 0.03 */
  maxAbandonRate?: number;
  /** @default 1_000: high enough never to be what limits a run. */
  maxConcurrentCalls?: number;
  /** Simulated time before measuring starts (the window fills, the prior gives way). @default 10 min */
  warmupMs?: number;
  /** @default 1 hour */
  measureMs?: number;
  /** The rolling window of measured rates predictive pacing is given. @default 1 hour */
  windowMs?: number;
  /** How late an ended attempt shows in the measured rates (the stream's delay). @default 5_000 */
  ratesLagMs?: number;
  /** @default TICK_PERIOD_MS (5 s): the engine's tick in AWS. */
  tickMs?: number;
  /** Give predictive pacing each busy agent's time on its call, as the engine does. @default true */
  busyElapsed?: boolean;
  /**
   * Give predictive pacing each ringing call's time since it was placed and the ring timeout, as the
   * engine does from its runtime shards. @default true
   */
  ringingAges?: boolean;
  /**
   * Not what the engine does (it frees agents whose wrap-up is over at its next tick): agents come out
   * of wrap-up when it ends and take the oldest caller waiting then. For measuring what freeing them
   * on time would be worth. @default false
   */
  releaseOnTime?: boolean;
  /** Called on each predictive tick with what pacing was given and decided (for looking into a run). */
  trace?: (nowMs: number, input: PredictiveInput, decision: PredictiveDecision, ringing: number) => void;
}

export interface PacingSimResult {
  /** Minutes agents spent talking, per logged-in agent-hour. */
  talkMinutesPerAgentHour: number;
  /** Abandoned / answered by a person (answers in the measured time). */
  abandonRate: number;
  humanAnswered: number;
  abandoned: number;
  /** Calls placed per logged-in agent-hour. */
  callsPerAgentHour: number;
  /** Wait of the callers who got an agent, from their answer, ms. */
  meanWaitMs: number;
  p90WaitMs: number;
  /**
   * Of the abandoned (in the measured time), those abandoned while some agent's wrap-up was already
   * over and the agent waited for the next tick to be made available.
   */
  abandonedWithAgentDue: number;
  /** Share of predictive ticks on which the governor was engaged (0 for other modes). */
  engagedShare: number;
  /** The same abandon figures over the whole run, warm-up included. */
  wholeRun: { humanAnswered: number; abandoned: number };
  /**
   * Where the agents' time went in the measured hour, minutes per agent-hour: talking, in wrap-up,
   * wrap-up over but not yet made available (waiting for a tick), and available (idle) while calls
   * rang or with nothing ringing. Plus the mean calls ringing and mean bound over the hour.
   */
  timeUse: {
    talk: number;
    wrapup: number;
    wrapupOverdue: number;
    idleRinging: number;
    idleNothingRinging: number;
    meanRinging: number;
    meanBound: number;
  };
}

type AgentState = 'available' | 'busy' | 'wrapup';
interface Agent {
  state: AgentState;
  /** While in wrap-up: when it ends. */
  freeAt: number;
  /** While busy: when it took its call. */
  busySince: number;
}
interface Caller {
  answeredAt: number;
  talkMs: number;
  ringMs: number;
  connected: boolean;
  abandoned: boolean;
}
/** An attempt that ended, as the engine's window records it. */
interface Ended {
  at: number;
  human: boolean;
  abandoned: boolean;
  ringMs: number;
  talkMs?: number;
}

type Event =
  | { at: number; seq: number; kind: 'tick' }
  | {
      at: number;
      seq: number;
      kind: 'answer';
      outcome: 'person' | 'machine';
      ringMs: number;
      talkMs: number;
      placedAt: number;
    }
  | { at: number; seq: number; kind: 'noanswer'; ringMs: number; placedAt: number }
  | { at: number; seq: number; kind: 'talkEnd'; agent: Agent; caller: Caller }
  | { at: number; seq: number; kind: 'wrapupEnd'; agent: Agent }
  | { at: number; seq: number; kind: 'abandon'; caller: Caller };
type NewEvent = Event extends infer E ? (E extends Event ? Omit<E, 'seq'> : never) : never;

/** A binary min-heap of events by time, then by insertion order (so a run is deterministic). */
class EventQueue {
  private heap: Event[] = [];
  private seq = 0;
  private less = (a: Event, b: Event) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
  push(e: NewEvent) {
    const h = this.heap;
    h.push({ ...e, seq: this.seq++ } as Event);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  pop(): Event | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

/** The rates over [now - window, now - lag): a deque over attempts in end order. */
class RollingRates {
  private items: Ended[] = [];
  private head = 0;
  private tail = 0;
  private sum = { ended: 0, human: 0, abandoned: 0, ringMs: 0, talkMs: 0, talked: 0 };
  constructor(
    private readonly windowMs: number,
    private readonly lagMs: number,
  ) {}
  record(e: Ended) {
    this.items.push(e);
  }
  at(now: number): MeasuredRates {
    const upTo = now - this.lagMs;
    const from = now - this.windowMs;
    const s = this.sum;
    const add = (e: Ended, k: 1 | -1) => {
      s.ended += k;
      s.human += e.human ? k : 0;
      s.abandoned += e.abandoned ? k : 0;
      s.ringMs += k * e.ringMs;
      if (e.talkMs !== undefined) {
        s.talked += k;
        s.talkMs += k * e.talkMs;
      }
    };
    while (this.tail < this.items.length && this.items[this.tail]!.at < upTo)
      add(this.items[this.tail++]!, 1);
    while (this.head < this.tail && this.items[this.head]!.at < from) add(this.items[this.head++]!, -1);
    return {
      ended: s.ended,
      humanAnswered: s.human,
      abandoned: s.abandoned,
      ...(s.ended > 0 ? { meanRingMs: s.ringMs / s.ended } : {}),
      ...(s.talked > 0 ? { meanTalkMs: s.talkMs / s.talked } : {}),
    };
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

export const simulatePacing = (o: PacingSimOptions): PacingSimResult => {
  const ringTimeoutMs = o.ringTimeoutMs ?? 30_000;
  const wrapupMs = o.wrapupMs ?? 10_000;
  const abandonAfterMs = o.abandonAfterMs ?? 2_000;
  const maxAbandonRate = o.maxAbandonRate ?? 0.03;
  const maxConcurrentCalls = o.maxConcurrentCalls ?? 1_000;
  const warmupMs = o.warmupMs ?? 600_000;
  const measureMs = o.measureMs ?? 3_600_000;
  const tickMs = o.tickMs ?? TICK_PERIOD_MS;
  const busyElapsed = o.busyElapsed ?? true;
  const ringingAges = o.ringingAges ?? true;
  const endMs = warmupMs + measureMs;
  const random: Random = mulberry32(o.seed);
  const rates = new RollingRates(o.windowMs ?? 3_600_000, o.ratesLagMs ?? 5_000);

  const agents: Agent[] = Array.from({ length: o.agents }, () => ({
    state: 'available',
    freeAt: 0,
    busySince: 0,
  }));
  const count = { available: o.agents, busy: 0, wrapup: 0 };
  const setState = (a: Agent, s: AgentState) => {
    count[a.state]--;
    count[s]++;
    a.state = s;
  };
  const waiting: Caller[] = [];
  let ringing = 0;
  /** When each call ringing now was placed: a multiset by time (calls of one tick share it). */
  const ringingSince = new Map<number, number>();
  const stopRinging = (placedAt: number) => {
    ringing--;
    const n = ringingSince.get(placedAt)! - 1;
    if (n === 0) ringingSince.delete(placedAt);
    else ringingSince.set(placedAt, n);
  };

  const measured = (t: number) => t >= warmupMs && t < endMs;
  let talkMs = 0;
  let placed = 0;
  let humanAnswered = 0;
  let abandoned = 0;
  let abandonedWithAgentDue = 0;
  const whole = { humanAnswered: 0, abandoned: 0 };
  const waits: number[] = [];
  let predictiveTicks = 0;
  let engagedTicks = 0;

  // Time integrals over the measured hour (agent-ms), advanced before each event.
  const use = { wrapup: 0, wrapupOverdue: 0, idleRinging: 0, idleNothingRinging: 0, ringing: 0, bound: 0 };
  let lastBound = 0;
  let lastAt = 0;
  const advance = (to: number) => {
    const from = Math.max(lastAt, warmupMs);
    const until = Math.min(to, endMs);
    if (until > from) {
      const dt = until - from;
      let overdue = 0;
      if (count.wrapup > 0) for (const a of agents) if (a.state === 'wrapup' && a.freeAt <= from) overdue++;
      use.wrapup += dt * (count.wrapup - overdue);
      use.wrapupOverdue += dt * overdue;
      if (ringing > 0) use.idleRinging += dt * count.available;
      else use.idleNothingRinging += dt * count.available;
      use.ringing += dt * ringing;
      use.bound += dt * lastBound;
    }
    lastAt = Math.max(lastAt, to);
  };

  const q = new EventQueue();
  const connect = (agent: Agent, caller: Caller, now: number) => {
    caller.connected = true;
    setState(agent, 'busy');
    agent.busySince = now;
    if (measured(caller.answeredAt)) waits.push(now - caller.answeredAt);
    q.push({ at: now + caller.talkMs, kind: 'talkEnd', agent, caller });
    // Talk time inside the measured hour only.
    talkMs += Math.max(0, Math.min(now + caller.talkMs, endMs) - Math.max(now, warmupMs));
  };
  const freeAgent = () => agents.find((a) => a.state === 'available');

  const boundNow = (now: number): number => {
    if (o.mode !== 'predictive') {
      return pacingBound({
        mode: o.mode,
        hasQueue: true,
        availableAgents: count.available,
        serviceLevel: 100,
        maxConcurrentCalls,
      }).bound;
    }
    const input: PredictiveInput = {
      availableAgents: count.available,
      busyAgents: count.busy,
      ...(busyElapsed
        ? { busyElapsedMs: agents.filter((a) => a.state === 'busy').map((a) => now - a.busySince) }
        : {}),
      wrapupAgents: count.wrapup,
      wrapupMs,
      maxConcurrentCalls,
      maxAbandonRate,
      waitingCallers: waiting.length,
      ...(ringingAges
        ? {
            ringTimeoutMs,
            ringingAgesMs: [...ringingSince].flatMap(([at, n]) => Array<number>(n).fill(now - at)),
          }
        : {}),
      rates: rates.at(now),
    };
    const d = predictivePacing(input);
    o.trace?.(now, input, d, ringing);
    if (measured(now)) {
      predictiveTicks++;
      if (d.governor === 'engaged') engagedTicks++;
    }
    return d.bound;
  };

  q.push({ at: 0, kind: 'tick' });
  for (let e = q.pop(); e && e.at < endMs; e = q.pop()) {
    const now = e.at;
    advance(now);
    switch (e.kind) {
      case 'tick': {
        for (const a of agents) if (a.state === 'wrapup' && a.freeAt <= now) setState(a, 'available');
        while (waiting.length > 0 && count.available > 0) connect(freeAgent()!, waiting.shift()!, now);
        lastBound = boundNow(now);
        const n = Math.max(0, lastBound - ringing);
        for (let i = 0; i < n; i++) {
          const call = sampleCall(random, o.distributions, ringTimeoutMs);
          ringing++;
          ringingSince.set(now, (ringingSince.get(now) ?? 0) + 1);
          if (measured(now)) placed++;
          if (call.outcome === 'noanswer')
            q.push({ at: now + call.ringMs, kind: 'noanswer', ringMs: call.ringMs, placedAt: now });
          else
            q.push({ at: now + call.ringMs, kind: 'answer', ...call, outcome: call.outcome, placedAt: now });
        }
        q.push({ at: now + tickMs, kind: 'tick' });
        break;
      }
      case 'noanswer':
        stopRinging(e.placedAt);
        rates.record({ at: now, human: false, abandoned: false, ringMs: e.ringMs });
        break;
      case 'answer': {
        stopRinging(e.placedAt);
        if (e.outcome === 'machine') {
          rates.record({ at: now, human: false, abandoned: false, ringMs: e.ringMs });
          break;
        }
        whole.humanAnswered++;
        if (measured(now)) humanAnswered++;
        const caller: Caller = {
          answeredAt: now,
          talkMs: e.talkMs,
          ringMs: e.ringMs,
          connected: false,
          abandoned: false,
        };
        const agent = waiting.length === 0 ? freeAgent() : undefined;
        if (agent) connect(agent, caller, now);
        else {
          waiting.push(caller);
          q.push({ at: now + abandonAfterMs, kind: 'abandon', caller });
        }
        break;
      }
      case 'abandon': {
        const c = e.caller;
        if (c.connected) break;
        c.abandoned = true;
        waiting.splice(waiting.indexOf(c), 1);
        whole.abandoned++;
        if (measured(c.answeredAt)) {
          abandoned++;
          if (agents.some((a) => a.state === 'wrapup' && a.freeAt <= now)) abandonedWithAgentDue++;
        }
        rates.record({ at: now, human: true, abandoned: true, ringMs: c.ringMs });
        break;
      }
      case 'talkEnd':
        rates.record({
          at: now,
          human: true,
          abandoned: false,
          ringMs: e.caller.ringMs,
          talkMs: e.caller.talkMs,
        });
        if (wrapupMs === 0) setState(e.agent, 'available');
        else {
          e.agent.freeAt = now + wrapupMs;
          setState(e.agent, 'wrapup');
          if (o.releaseOnTime) q.push({ at: e.agent.freeAt, kind: 'wrapupEnd', agent: e.agent });
        }
        break;
      case 'wrapupEnd':
        if (e.agent.state !== 'wrapup') break;
        setState(e.agent, 'available');
        if (waiting.length > 0) connect(e.agent, waiting.shift()!, now);
        break;
    }
  }

  advance(endMs);
  const agentHours = (o.agents * measureMs) / 3_600_000;
  const perAgentHour = (agentMs: number) => agentMs / 60_000 / agentHours;
  const sorted = [...waits].sort((a, b) => a - b);
  return {
    talkMinutesPerAgentHour: talkMs / 60_000 / agentHours,
    abandonRate: humanAnswered === 0 ? 0 : abandoned / humanAnswered,
    humanAnswered,
    abandoned,
    abandonedWithAgentDue,
    callsPerAgentHour: placed / agentHours,
    meanWaitMs: waits.length === 0 ? 0 : waits.reduce((s, w) => s + w, 0) / waits.length,
    p90WaitMs: percentile(sorted, 0.9),
    engagedShare: predictiveTicks === 0 ? 0 : engagedTicks / predictiveTicks,
    wholeRun: whole,
    timeUse: {
      talk: talkMs / 60_000 / agentHours,
      wrapup: perAgentHour(use.wrapup),
      wrapupOverdue: perAgentHour(use.wrapupOverdue),
      idleRinging: perAgentHour(use.idleRinging),
      idleNothingRinging: perAgentHour(use.idleNothingRinging),
      meanRinging: use.ringing / measureMs,
      meanBound: use.bound / measureMs,
    },
  };
};
