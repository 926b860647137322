/** The console's entry: sign-in, navigation between the views, and the announcements line. */
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { createApiClient, describeError } from '../core/api-client.ts';
import { AgentsView } from './agents-view.tsx';
import { CampaignView } from './campaign-view.tsx';
import { CampaignsView } from './campaigns-view.tsx';
import { ApiContext, NoticeContext } from './hooks.ts';
import { ListsView, ListView } from './lists-view.tsx';
import { forgetKey, loadApiBase, storedKey, storeKey, takeKeyFromFragment } from './session.ts';
import { ErrorNote } from './ui.tsx';
import './console.css';

const useRoute = () => {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash.replace(/^#\/?/, '').split('/');
};

const NAV = [
  { href: '#/campaigns', label: 'Campaigns', section: 'campaigns' },
  { href: '#/lists', label: 'Lists', section: 'lists' },
  { href: '#/agents', label: 'Queues and agents', section: 'agents' },
];

const SignIn = ({ apiBase, onKey }: { apiBase: string; onKey: (k: string) => void }) => {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await createApiClient({ base: apiBase, key: key.trim(), maxRetries: 0 }).get('/customer');
      onKey(key.trim());
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin">
      <h1>Outbound console</h1>
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div class="field">
          <label for="accesskey">Access key</label>
          <input
            id="accesskey"
            type="password"
            autocomplete="off"
            value={key}
            required
            onInput={(e) => setKey((e.target as HTMLInputElement).value)}
          />
          <small class="muted">Kept in this tab only; closing the tab signs you out.</small>
        </div>
        <button type="submit" class="primary" disabled={busy}>
          Sign in
        </button>
        <ErrorNote error={error} />
      </form>
    </main>
  );
};

const App = ({ apiBase }: { apiBase: string }) => {
  const [key, setKey] = useState(storedKey());
  const [notice, setNotice] = useState('');
  const api = useMemo(() => (key ? createApiClient({ base: apiBase, key }) : undefined), [apiBase, key]);
  const [section, id] = useRoute();
  if (!api) {
    return (
      <SignIn
        apiBase={apiBase}
        onKey={(k) => {
          storeKey(k);
          setKey(k);
          if (!location.hash.startsWith('#/')) location.hash = '#/campaigns';
        }}
      />
    );
  }
  const view =
    section === 'campaigns' && id ? (
      <CampaignView id={id} />
    ) : section === 'lists' && id ? (
      <ListView id={id} />
    ) : section === 'lists' ? (
      <ListsView />
    ) : section === 'agents' ? (
      <AgentsView />
    ) : (
      <CampaignsView />
    );
  const current = NAV.find((n) => n.section === section) ?? NAV[0];
  return (
    <ApiContext.Provider value={api}>
      <NoticeContext.Provider value={setNotice}>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <span class="brand">Outbound</span>
          <nav aria-label="Main">
            {NAV.map((n) => (
              <a key={n.href} href={n.href} aria-current={n === current ? 'page' : undefined}>
                {n.label}
              </a>
            ))}
          </nav>
          <button
            type="button"
            class="signout"
            onClick={() => {
              forgetKey();
              setKey(undefined);
            }}
          >
            Sign out
          </button>
        </header>
        <p class="notice" role="status" aria-live="polite">
          {notice}
        </p>
        <main id="main" tabIndex={-1}>
          {view}
        </main>
      </NoticeContext.Provider>
    </ApiContext.Provider>
  );
};

takeKeyFromFragment();
void loadApiBase().then((apiBase) => {
  const root = document.getElementById('app') as HTMLElement;
  // The "Loading…" placeholder is plain HTML, not Preact's: render would keep it.
  root.textContent = '';
  render(<App apiBase={apiBase} />, root);
});
