/** Queues and agents: who takes answered calls, each agent's status one click away. */
import { useState } from 'preact/hooks';
import { agentStatuses } from '#domain/queue.ts';
import type { Agent, Queue } from '../core/resources.ts';
import { allPages } from '../core/resources.ts';
import { useAction, useApi, usePoll } from './hooks.ts';
import { ErrorNote, Field, Section, StaleNote, StatusBadge } from './ui.tsx';

export const AgentsView = () => {
  const api = useApi();
  const polled = usePoll(async (signal) => {
    const [queues, agents] = await Promise.all([
      allPages<Queue>(api, '/queues', 10, signal),
      allPages<Agent>(api, '/agents', 10, signal),
    ]);
    return { queues: queues.items, agents: agents.items };
  }, []);
  const d = polled.data;
  return (
    <>
      <Section title="Agents">
        <StaleNote error={polled.error} />
        {!d ? (
          <p class="muted">Loading agents…</p>
        ) : d.agents.length === 0 ? (
          <p>No agent yet.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Agent</th>
                  <th scope="col">Status</th>
                  <th scope="col">Set status</th>
                </tr>
              </thead>
              <tbody>
                {d.agents.map((a) => (
                  <AgentRow key={a.id} agent={a} after={polled.refresh} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        <NewAgent after={polled.refresh} />
      </Section>
      <Section title="Queues">
        {d?.queues.length ? (
          <ul class="plain">
            {d.queues.map((q) => (
              <li key={q.id}>
                <strong>{q.name}</strong> <span class="muted">{q.detail}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">No queue yet.</p>
        )}
        <NewQueue after={polled.refresh} />
      </Section>
    </>
  );
};

const AgentRow = ({ agent, after }: { agent: Agent; after: () => unknown }) => {
  const api = useApi();
  const set = useAction(async (status: string) => {
    await api.put(`/agents/${agent.id}/status`, { status });
    return `${agent.name} is now ${status}.`;
  }, after);
  return (
    <tr>
      <td>{agent.name}</td>
      <td>
        <StatusBadge status={agent.status} />
      </td>
      <td>
        <fieldset class="segmented">
          <legend class="sr-only">Status of {agent.name}</legend>
          {agentStatuses.map((s) => (
            <button
              key={s}
              type="button"
              aria-pressed={agent.status === s}
              disabled={set.busy}
              onClick={() => agent.status !== s && void set.act(s)}
            >
              {s}
            </button>
          ))}
        </fieldset>
        <ErrorNote error={set.error} />
      </td>
    </tr>
  );
};

/** A one-field form that creates something by its name, then says what it did. */
const NameForm = (props: {
  label: string;
  button: string;
  create: (name: string) => Promise<string>;
  after: () => unknown;
}) => {
  const [name, setName] = useState('');
  const create = useAction(async () => {
    const done = await props.create(name);
    setName('');
    return done;
  }, props.after);
  return (
    <form
      class="row-form"
      onSubmit={(e) => {
        e.preventDefault();
        void create.act();
      }}
    >
      <Field label={props.label} value={name} onInput={setName} required />
      <button type="submit" disabled={create.busy}>
        {props.button}
      </button>
      <ErrorNote error={create.error} />
    </form>
  );
};

const NewAgent = ({ after }: { after: () => unknown }) => {
  const api = useApi();
  return (
    <NameForm
      label="New agent's name"
      button="Add agent"
      after={after}
      create={async (name) => {
        const a = await api.post<Agent>('/agents', { name, detail: '', tag_ids: [], status: 'offline' });
        return `Agent ${a.name} added (offline).`;
      }}
    />
  );
};

const NewQueue = ({ after }: { after: () => unknown }) => {
  const api = useApi();
  return (
    <NameForm
      label="New queue's name"
      button="Add queue"
      after={after}
      create={async (name) => {
        const q = await api.post<Queue>('/queues', { name, detail: '', tag_ids: [] });
        return `Queue ${q.name} created.`;
      }}
    />
  );
};
