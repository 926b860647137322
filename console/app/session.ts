/**
 * The access key of this tab. It arrives in the URL fragment (`#accesskey=…`, never sent to a server)
 * or through the sign-in form, and lives only in sessionStorage: closing the tab signs out, and no
 * cookie or query string ever carries it.
 */
const STORAGE_KEY = 'outbound.accesskey';

/** Moves a key from the fragment into sessionStorage and takes it out of the address bar and history. */
export const takeKeyFromFragment = () => {
  const m = /(?:^#|&)accesskey=([^&]+)/.exec(location.hash);
  if (!m?.[1]) return;
  sessionStorage.setItem(STORAGE_KEY, decodeURIComponent(m[1]));
  history.replaceState(null, '', `${location.pathname}#/campaigns`);
};

export const storedKey = () => sessionStorage.getItem(STORAGE_KEY) ?? undefined;
export const storeKey = (key: string) => sessionStorage.setItem(STORAGE_KEY, key);
export const forgetKey = () => sessionStorage.removeItem(STORAGE_KEY);

/** Where the API is: `config.json` beside the page (written at deploy), else the same origin. */
export const loadApiBase = async (): Promise<string> => {
  try {
    const res = await fetch('config.json', { cache: 'no-store' });
    if (res.ok) {
      const cfg = (await res.json()) as { apiBase?: string };
      if (cfg.apiBase) return cfg.apiBase;
    }
  } catch {
    // No config: the API is on this origin, as with `npm start`.
  }
  return '/v1.0';
};
