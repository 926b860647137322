/** Live data and actions for the views: polling without flicker, and actions that report what they did. */
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import { type ApiClient, describeError } from '../core/api-client.ts';

export const ApiContext = createContext<ApiClient | undefined>(undefined);
export const useApi = () => useContext(ApiContext) as ApiClient;

/** Console-wide announcements ("Campaign x is running"), read out by screen readers. */
export const NoticeContext = createContext<(text: string) => void>(() => {});
export const useNotice = () => useContext(NoticeContext);

/** How often the views refresh. */
export const REFRESH_MS = 3000;

export interface Polled<T> {
  data: T | undefined;
  /** The last refresh's error; the data shown stays the last good one. */
  error: string | undefined;
  refresh: () => Promise<void>;
}

/**
 * Loads `load` now and every `everyMs`, one run at a time; a failed refresh keeps the last data on
 * screen (no flicker, no blank table) and shows why beside it. Pauses while the tab is hidden.
 */
export const usePoll = <T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: unknown[],
  everyMs = REFRESH_MS,
): Polled<T> => {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const running = useRef(false);
  const loadRef = useRef(load);
  loadRef.current = load;
  const controller = useRef<AbortController | undefined>(undefined);

  const again = useRef(false);
  const refresh = useCallback(async (): Promise<void> => {
    // Asked while a refresh runs (after an action, say): one more follows it, so the answer shows
    // what the action did rather than what was read before it.
    if (running.current) {
      again.current = true;
      return;
    }
    running.current = true;
    const c = new AbortController();
    controller.current = c;
    try {
      const next = await loadRef.current(c.signal);
      if (!c.signal.aborted) {
        setData(next);
        setError(undefined);
      }
    } catch (err) {
      if (!c.signal.aborted) setError(describeError(err));
    } finally {
      running.current = false;
    }
    if (again.current && !c.signal.aborted) {
      again.current = false;
      return refresh();
    }
  }, []);

  useEffect(() => {
    setData(undefined);
    setError(undefined);
    running.current = false;
    void refresh();
    // A tick that finds a refresh still running is dropped: on a slow API the reads never pile up.
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible' && !running.current) void refresh();
    }, everyMs);
    return () => {
      clearInterval(timer);
      controller.current?.abort();
    };
  }, deps);

  return { data, error, refresh };
};

/** An action (a button or a form): busy while it runs, its error kept beside it, a notice when done. */
export const useAction = <A extends unknown[]>(
  run: (...args: A) => Promise<string | undefined>,
  after?: () => unknown,
) => {
  const notice = useNotice();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const act = async (...args: A) => {
    setBusy(true);
    setError(undefined);
    try {
      const said = await run(...args);
      if (said) notice(said);
      await after?.();
      return true;
    } catch (err) {
      setError(describeError(err));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { act, busy, error, clearError: () => setError(undefined) };
};
