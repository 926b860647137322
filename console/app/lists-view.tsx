/** Lists (outdials): their target counts, one list's targets with paging and search, and CSV import. */
import { useMemo, useState } from 'preact/hooks';
import type { Outdial, OutdialTarget, Page } from '../core/resources.ts';
import { allPages } from '../core/resources.ts';
import { createCensusCache } from './census-cache.ts';
import { useAction, useApi, usePoll } from './hooks.ts';
import { ImportPanel } from './import-panel.tsx';
import { ErrorNote, Field, fmt, Section, StaleNote, time } from './ui.tsx';

/** Lists are counted up to this many pages of 100 in the overview. */
const OVERVIEW_PAGES = 50;

export const ListsView = () => {
  const api = useApi();
  const censusOf = useMemo(() => createCensusCache(15_000), []);
  const polled = usePoll(async (signal) => {
    const outdials = await allPages<Outdial>(api, '/outdials', 10, signal);
    return Promise.all(
      outdials.items.map(async (o) => ({
        outdial: o,
        census: await censusOf(api, o.id, undefined, signal, OVERVIEW_PAGES).catch(() => undefined),
      })),
    );
  }, []);
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
        ) : polled.data.length === 0 ? (
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
                  <th scope="col" class="num">
                    Reached
                  </th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {polled.data.map(({ outdial, census }) => (
                  <tr key={outdial.id}>
                    <td>
                      <a href={`#/lists/${outdial.id}`}>{outdial.name}</a>
                    </td>
                    <td class="num">{census ? `${fmt(census.total)}${census.complete ? '' : '+'}` : '–'}</td>
                    <td class="num">{fmt(census?.reached)}</td>
                    <td>{new Date(outdial.tm_create).toLocaleDateString('en-GB')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
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

/** Pages read while searching a list for a number (the API has no search by number). */
const SEARCH_PAGES = 200;

export const ListView = ({ id }: { id: string }) => {
  const api = useApi();
  const [tokens, setTokens] = useState<string[]>(['']);
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState<{ q: string; hits: OutdialTarget[]; complete: boolean } | undefined>();
  const token = tokens[tokens.length - 1] ?? '';
  const outdial = usePoll((signal) => api.get<Outdial>(`/outdials/${id}`, undefined, signal), [id], 15_000);
  const page = usePoll(
    (signal) =>
      api.get<Page<OutdialTarget>>(
        `/outdials/${id}/targets`,
        { page_size: 50, page_token: token || undefined },
        signal,
      ),
    [id, token],
  );
  const find = useAction(async () => {
    const digits = query.replace(/\D/g, '');
    if (!digits) {
      setSearch(undefined);
      return undefined;
    }
    const all = await allPages<OutdialTarget>(api, `/outdials/${id}/targets`, SEARCH_PAGES);
    const hits = all.items.filter((t) =>
      [t.destination_0, t.destination_1, t.destination_2, t.destination_3, t.destination_4].some((d) =>
        d?.target.replace(/\D/g, '').includes(digits),
      ),
    );
    setSearch({ q: query, hits, complete: all.complete });
    return `${hits.length} target${hits.length === 1 ? '' : 's'} found with “${query}”.`;
  });
  const shown = search ? search.hits : (page.data?.result ?? []);
  return (
    <>
      <p>
        <a href="#/lists">← All lists</a>
      </p>
      <Section title={`List “${outdial.data?.name ?? '…'}”`}>
        <StaleNote error={page.error ?? outdial.error} />
        <form
          class="row-form"
          onSubmit={(e) => {
            e.preventDefault();
            void find.act();
          }}
        >
          <Field label="Search by number" value={query} onInput={setQuery} placeholder="e.g. 555123" />
          <button type="submit" disabled={find.busy}>
            Search
          </button>
          {search ? (
            <button
              type="button"
              onClick={() => {
                setSearch(undefined);
                setQuery('');
              }}
            >
              Clear search
            </button>
          ) : null}
        </form>
        <ErrorNote error={find.error} />
        {search && !search.complete ? (
          <p class="muted">Searched the first {fmt(SEARCH_PAGES * 100)} targets.</p>
        ) : null}
        <TargetsTable targets={shown} />
        {search ? null : (
          <div class="pager">
            <button type="button" disabled={tokens.length < 2} onClick={() => setTokens(tokens.slice(0, -1))}>
              ← Newer
            </button>
            <span class="muted">Page {tokens.length}</span>
            <button
              type="button"
              disabled={!page.data?.next_page_token}
              onClick={() => page.data && setTokens([...tokens, page.data.next_page_token])}
            >
              Older →
            </button>
          </div>
        )}
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
