import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CallMinute, MinuteEvents } from '#domain/call-timeseries.ts';
import type { CallTimeseriesStore } from '#ports/call-timeseries-store.ts';
import { minutesFromItems, minutesQueries, recordMinuteUpdates } from './call-timeseries-requests.ts';

export class DynamoCallTimeseriesStore implements CallTimeseriesStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(events: readonly MinuteEvents[]): Promise<void> {
    // Minute items are independent: written side by side; a failure fails the batch, and its retry
    // adds again what was already added, which changes nothing.
    await Promise.all(
      events
        .flatMap((group) => recordMinuteUpdates(this.tableName, group))
        .map((update) => this.ddb.send(new UpdateCommand(update))),
    );
  }

  async minutes(campaignId: string, fromMs: number, toMs: number): Promise<CallMinute[]> {
    const items = await Promise.all(
      minutesQueries(this.tableName, campaignId, fromMs, toMs).map(async (query) => {
        const out: Record<string, unknown>[] = [];
        let start: Record<string, unknown> | undefined;
        do {
          const page = await this.ddb.send(new QueryCommand({ ...query, ExclusiveStartKey: start }));
          out.push(...(page.Items ?? []));
          start = page.LastEvaluatedKey;
        } while (start);
        return out;
      }),
    );
    return minutesFromItems(items.flat());
  }
}
