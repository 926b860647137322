import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  addRollups,
  agentIntervalMs,
  type CallMinute,
  type CallRollup,
  hourStartOf,
  type MinuteEvents,
  recentRatesOf,
} from '#domain/call-timeseries.ts';
import type { MeasuredRates } from '#domain/predictive-pacing.ts';
import type { AgentTimeSample, CallTimeseriesStore } from '#ports/call-timeseries-store.ts';
import {
  AGENT_AT,
  agentTimeItems,
  agentTimeUpdate,
  minutesFromItems,
  minutesQueries,
  recentRollupKeys,
  recordMinuteUpdates,
  rollupDelta,
  rollupFromItem,
  rollupsQuery,
  rollupUpdates,
} from './call-timeseries-requests.ts';
import { unlessRefused } from './conditional-write.ts';

export class DynamoCallTimeseriesStore implements CallTimeseriesStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(events: readonly MinuteEvents[]): Promise<void> {
    // Minute items are independent: written side by side; a failure fails the batch, and its retry
    // adds again what was already added, which changes nothing. What each added anew is summed per
    // campaign and hour, then added to the hour and day items. A crash between the two loses those
    // sums (the retry finds the minute already holding them): the rollups may undercount, never twice.
    const deltas = new Map<string, { group: MinuteEvents; deltas: CallRollup[] }>();
    await Promise.all(
      events.flatMap((group) =>
        recordMinuteUpdates(this.tableName, group).map(async (update) => {
          const out = await this.ddb.send(new UpdateCommand(update));
          const names = update.ExpressionAttributeNames as Record<string, string>;
          const delta = rollupDelta(
            update.ExpressionAttributeValues,
            out.Attributes,
            (placeholder) => names[placeholder.replace(/^:/, '#')],
          );
          const key = `${group.campaignId}#${hourStartOf(group.minute)}`;
          const entry = deltas.get(key) ?? { group, deltas: [] };
          entry.deltas.push(delta);
          deltas.set(key, entry);
        }),
      ),
    );
    await Promise.all(
      [...deltas.values()]
        .flatMap(({ group, deltas }) => rollupUpdates(this.tableName, group, addRollups(deltas)))
        .map((update) => this.ddb.send(new UpdateCommand(update))),
    );
  }

  async minutes(campaignId: string, fromMs: number, toMs: number): Promise<CallMinute[]> {
    const items = await Promise.all(
      minutesQueries(this.tableName, campaignId, fromMs, toMs).map((query) => this.allPages(query)),
    );
    return minutesFromItems(items.flat());
  }

  async rollups(campaignId: string, period: 'hour' | 'day', fromMs: number, toMs: number) {
    const items = await this.allPages(rollupsQuery(this.tableName, campaignId, period, fromMs, toMs));
    return addRollups(items.map(rollupFromItem));
  }

  async recentRates(campaignId: string, nowMs: number): Promise<MeasuredRates> {
    const { hours, day } = recentRollupKeys(campaignId, nowMs);
    const out = await this.ddb.send(
      new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: [...hours, day] } } }),
    );
    // Unprocessed keys (throttling) count as empty: pacing then leans on the prior for a tick.
    const items = out.Responses?.[this.tableName] ?? [];
    const find = (key: { pk: string; sk: string }) =>
      items.find((item) => item.pk === key.pk && item.sk === key.sk);
    const dayItem = find(day);
    return recentRatesOf(
      hours.map((key) => rollupFromItem(find(key))),
      dayItem ? rollupFromItem(dayItem) : undefined,
    );
  }

  async addAgentTime(s: AgentTimeSample) {
    const { hour, day } = agentTimeItems(s.campaignId, s.nowMs);
    // Consistent reads: a stale mark would only get the update refused, losing the interval.
    const markOf = async (key: { pk: string; sk: string }) => {
      const out = await this.ddb.send(
        new GetCommand({
          TableName: this.tableName,
          Key: key,
          ConsistentRead: true,
          ProjectionExpression: '#at',
          ExpressionAttributeNames: { '#at': AGENT_AT },
        }),
      );
      const at = out.Item?.[AGENT_AT];
      return typeof at === 'number' ? at : undefined;
    };
    const [hourMark, dayMark] = await Promise.all([markOf(hour.key), markOf(day.key)]);
    const add = async (item: typeof hour, mark: number | undefined, from: number | undefined) => {
      if (mark !== undefined && mark >= s.nowMs) return 0;
      const ms = s.agents * agentIntervalMs(from, item.startMs, s.nowMs, s.capMs);
      const out = await unlessRefused(
        this.ddb.send(new UpdateCommand(agentTimeUpdate(this.tableName, s, item, mark, ms))),
      );
      return out ? ms : 0;
    };
    // A new hour's first sample counts from the day's last one (never from before the hour).
    const [hourMs, dayMs] = await Promise.all([
      add(hour, hourMark, hourMark ?? dayMark),
      add(day, dayMark, dayMark),
    ]);
    return { hourMs, dayMs };
  }

  private async allPages(query: ConstructorParameters<typeof QueryCommand>[0]) {
    const out: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.ddb.send(new QueryCommand({ ...query, ExclusiveStartKey: start }));
      out.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }
}
