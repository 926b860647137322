/**
 * The engine's queue-and-agents section: answered calls waiting in a queue, and the agents who take
 * them.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CallQueueStore, EngineCampaigncall } from '#ports/engine-store.ts';
import { availableAgentsServing } from './agent-store.ts';
import {
  assignAgentSteps,
  releaseAgentUpdate,
  waitInQueueUpdate,
  waitingCallersQuery,
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
    await unlessRefused(this.ddb.send(new UpdateCommand(waitInQueueUpdate(this.tableName, call, now))));
  }

  async waitingCallers(queueId: string, limit: number): Promise<EngineCampaigncall[]> {
    const items = await readPage(this.ddb, waitingCallersQuery(this.tableName, queueId, limit));
    return items.map((i) => expandCampaigncall(fromItem(i)));
  }

  async releaseAgent(customerId: string, agentId: string, campaigncallId: string, now: string) {
    await unlessRefused(
      this.ddb.send(
        new UpdateCommand(releaseAgentUpdate(this.tableName, customerId, agentId, campaigncallId, now)),
      ),
    );
  }
}
