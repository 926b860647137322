/**
 * The engine's queue-and-agents section: answered calls waiting in a queue, and the agents who take
 * them.
 */
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { agentServesQueue } from '#domain/queue.ts';
import type { CallQueueStore, EngineCampaigncall, WrapUps } from '#ports/engine-store.ts';
import { availableAgentsServing } from './agent-store.ts';
import {
  assignAgentSteps,
  endOneWrapUpUpdate,
  endWrapUpUpdate,
  markAbandonedUpdate,
  releaseAgentUpdate,
  waitInQueueUpdate,
  waitingCallersQuery,
  wrapUpAgentsQuery,
} from './call-queue-requests.ts';
import { expandCampaigncall } from './campaigncall-item.ts';
import { unlessRefused } from './conditional-write.ts';
import { readPage } from './engine-reads.ts';
import { fromItem } from './resource-store.ts';
import { runSteps } from './transactions.ts';

/** Small pages: the first free agent usually takes the call, so later pages are rarely read. */
const AGENT_PAGE = 25;

export class DynamoCallQueueStore implements CallQueueStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async assignAgent(
    call: EngineCampaigncall,
    queueTagIds: readonly string[],
    now: string,
  ): Promise<string | undefined> {
    const agents = availableAgentsServing(
      this.ddb,
      this.tableName,
      call.customer_id,
      queueTagIds,
      AGENT_PAGE,
    );
    for await (const agent of agents) {
      const refusal = await runSteps(this.ddb, assignAgentSteps(this.tableName, call, agent.id, now));
      if (refusal === undefined) return agent.id;
      if (refusal === 'call-settled') return undefined;
    }
    return undefined;
  }

  async waitInQueue(call: EngineCampaigncall, now: string) {
    // Refused: the call ended, has an agent, or waits already.
    const out = await unlessRefused(
      this.ddb.send(new UpdateCommand(waitInQueueUpdate(this.tableName, call, now))),
    );
    return out !== undefined;
  }

  async markAbandoned(campaigncallId: string, now: string) {
    // Refused: an agent took the call first, it ended, or it was abandoned already.
    const out = await unlessRefused(
      this.ddb.send(new UpdateCommand(markAbandonedUpdate(this.tableName, campaigncallId, now))),
    );
    return out !== undefined;
  }

  async waitingCallers(queueId: string, limit: number): Promise<EngineCampaigncall[]> {
    const items = await readPage(this.ddb, waitingCallersQuery(this.tableName, queueId, limit));
    return items.map((i) => expandCampaigncall(fromItem(i)));
  }

  async releaseAgent(
    customerId: string,
    agentId: string,
    campaigncallId: string,
    now: string,
    wrapUpUntil?: string,
  ) {
    const out = await unlessRefused(
      this.ddb.send(
        new UpdateCommand(
          releaseAgentUpdate(this.tableName, customerId, agentId, campaigncallId, now, wrapUpUntil),
        ),
      ),
    );
    return out !== undefined;
  }

  async endWrapUps(customerId: string, queueTagIds: readonly string[], now: string): Promise<WrapUps> {
    const result: WrapUps = { ended: 0, wrappingUp: 0 };
    let startKey: QueryCommandOutput['LastEvaluatedKey'];
    do {
      const page: QueryCommandOutput = await this.ddb.send(
        new QueryCommand(wrapUpAgentsQuery(this.tableName, customerId, startKey)),
      );
      for (const item of page.Items ?? []) {
        const until = String(item.gsi2sk).split('#')[0] ?? '';
        const serves = agentServesQueue((item.tag_ids as string[] | undefined) ?? [], queueTagIds);
        if (until > now) {
          if (serves) result.wrappingUp += 1;
          continue;
        }
        const ended = await unlessRefused(
          this.ddb.send(
            new UpdateCommand(endWrapUpUpdate(this.tableName, customerId, String(item.id), until, now)),
          ),
        );
        if (ended !== undefined && serves) result.ended += 1;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return result;
  }

  async endWrapUp(customerId: string, agentId: string, until: string, now: string) {
    // Refused: that wrap-up ended already (a duplicate, or the tick), or the agent's status changed.
    const out = await unlessRefused(
      this.ddb.send(new UpdateCommand(endOneWrapUpUpdate(this.tableName, customerId, agentId, until, now))),
    );
    return out !== undefined;
  }
}
