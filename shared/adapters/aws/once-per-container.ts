/**
 * What an entry point builds once and keeps while its Lambda container lives (clients, deps, the
 * handler): built on first use, not at import, so a module can be loaded without its configuration.
 */

/**
 * `build` runs on the first call and its result is shared by every later one. A failed build (say,
 * Secrets Manager unreachable) is forgotten, so the next invocation tries again instead of failing
 * for the rest of the container's life.
 */
export const oncePerContainer = <T>(build: () => T | Promise<T>): (() => Promise<T>) => {
  let built: Promise<T> | undefined;
  return () => {
    built ??= Promise.resolve()
      .then(build)
      .catch((err: unknown) => {
        built = undefined;
        throw err;
      });
    return built;
  };
};

/** Equal keys: the same value, or arrays of the same values in the same order. */
const sameKey = (a: unknown, b: unknown) =>
  Array.isArray(a) && Array.isArray(b)
    ? a.length === b.length && a.every((x, i) => Object.is(x, b[i]))
    : Object.is(a, b);

/**
 * As `oncePerContainer`, but built again when `key` changes: the key is what the build depends on and
 * may change while the container lives (a rotated secret), so the rest is rebuilt only then.
 */
export const oncePerKey = <K, T>(build: (key: K) => T | Promise<T>): ((key: K) => Promise<T>) => {
  let last: { key: K; built: Promise<T> } | undefined;
  return (key: K) => {
    if (last && sameKey(last.key, key)) return last.built;
    const entry = {
      key,
      built: Promise.resolve(key)
        .then(build)
        .catch((err: unknown) => {
          if (last === entry) last = undefined;
          throw err;
        }),
    };
    last = entry;
    return entry.built;
  };
};
