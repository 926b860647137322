/** Lists (outdials): their target counts, one list's targets with paging and search, and CSV import. */
import { useState } from 'preact/hooks';
import type { Outdial, OutdialTarget, Page } from '../core/resources.ts';
import { useAction, useApi, usePoll } from './hooks.ts';
import { ImportPanel } from './import-panel.tsx';
import { ErrorNote, Field, fmt, Pager, Section, StaleNote, time } from './ui.tsx';

export const ListsView = () => {
  const api = useApi();
  const [tokens, setTokens] = useState<string[]>(['']);
  const token = tokens[tokens.length - 1] ?? '';
  // One page of lists; each carries its target count, so no list is read to count it.
  const polled = usePoll(
    (signal) =>
      api.get<Page<Outdial>>('/outdials', { page_size: PAGE_SIZE, page_token: token || undefined }, signal),
    [token],
  );
  const [name, setName] = useState('');
  const create = useAction(async () => {
    const o = await api.post<Outdial>('/outdials', { name, detail: '', data: '' });
    setName('');
    location.hash = `#/lists/${o.id}`;
    return `List “${o.name}” created. Import a CSV file into it below.`;
  }, polled.refresh);
  return (
    <>
      <Section title="Lists">
        <StaleNote error={polled.error} />
        {!polled.data ? (
          <p class="muted">Loading lists…</p>
        ) : polled.data.result.length === 0 && tokens.length === 1 ? (
          <p>No list yet. Create one, then import a CSV file into it.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col" class="num">
                    Targets
                  </th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {polled.data.result.map((outdial) => (
                  <tr key={outdial.id}>
                    <td>
                      <a href={`#/lists/${outdial.id}`}>{outdial.name}</a>
                    </td>
                    <td class="num">{fmt(outdial.target_count)}</td>
                    <td>{new Date(outdial.tm_create).toLocaleDateString('en-GB')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager tokens={tokens} setTokens={setTokens} next={polled.data?.next_page_token} />
      </Section>
      <Section title="New list">
        <form
          class="row-form"
          onSubmit={(e) => {
            e.preventDefault();
            void create.act();
          }}
        >
          <Field label="List name" value={name} onInput={setName} required />
          <button type="submit" class="primary" disabled={create.busy}>
            Create list
          </button>
        </form>
        <ErrorNote error={create.error} />
      </Section>
    </>
  );
};

const PAGE_SIZE = 50;

export const ListView = ({ id }: { id: string }) => {
  const api = useApi();
  const [tokens, setTokens] = useState<string[]>(['']);
  const [query, setQuery] = useState('');
  // The number searched for (the API compares it in E.164); empty: the whole list.
  const [number, setNumber] = useState('');
  const token = tokens[tokens.length - 1] ?? '';
  const outdial = usePoll((signal) => api.get<Outdial>(`/outdials/${id}`, undefined, signal), [id], 15_000);
  const page = usePoll(
    (signal) =>
      api.get<Page<OutdialTarget>>(
        `/outdials/${id}/targets`,
        { page_size: PAGE_SIZE, page_token: token || undefined, number: number || undefined },
        signal,
      ),
    [id, token, number],
  );
  const searchFor = (q: string) => {
    setNumber(q.trim());
    setTokens(['']);
  };
  const count = outdial.data?.target_count;
  return (
    <>
      <p>
        <a href="#/lists">← All lists</a>
      </p>
      <Section
        title={`List “${outdial.data?.name ?? '…'}”${count === undefined ? '' : count === null ? ' · targets not counted yet' : ` · ${fmt(count)} targets`}`}
      >
        <StaleNote error={number ? undefined : (page.error ?? outdial.error)} />
        <form
          class="row-form"
          onSubmit={(e) => {
            e.preventDefault();
            searchFor(query);
          }}
        >
          <Field
            label="Search by number"
            value={query}
            onInput={setQuery}
            placeholder="e.g. +1 555 123 4567"
          />
          <button type="submit">Search</button>
          {number ? (
            <button
              type="button"
              onClick={() => {
                setQuery('');
                searchFor('');
              }}
            >
              Clear search
            </button>
          ) : null}
        </form>
        {number ? (
          page.error ? (
            <ErrorNote error={page.error} />
          ) : (
            <p class="muted" role="status">
              Targets with the number {number}
              {page.data ? `: ${page.data.result.length} on this page` : ''}.
            </p>
          )
        ) : null}
        <TargetsTable targets={page.data?.result ?? []} />
        <Pager tokens={tokens} setTokens={setTokens} next={page.data?.next_page_token} />
      </Section>
      <ImportPanel outdialId={id} after={page.refresh} />
    </>
  );
};

const TargetsTable = ({ targets }: { targets: OutdialTarget[] }) =>
  targets.length === 0 ? (
    <p class="muted">No targets here.</p>
  ) : (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Numbers</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">
              Tries
            </th>
            <th scope="col">Data</th>
            <th scope="col">Added</th>
          </tr>
        </thead>
        <tbody>
          {targets.map((t) => (
            <tr key={t.id}>
              <td>{t.name || '–'}</td>
              <td>
                {[t.destination_0, t.destination_1, t.destination_2, t.destination_3, t.destination_4]
                  .filter((d) => d !== null)
                  .map((d) => d?.target)
                  .join(', ')}
              </td>
              <td>{t.status}</td>
              <td class="num">
                {t.try_count_0 + t.try_count_1 + t.try_count_2 + t.try_count_3 + t.try_count_4}
              </td>
              <td>{t.data}</td>
              <td>{time(t.tm_create)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
