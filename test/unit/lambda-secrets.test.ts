import { describe, expect, it } from 'vitest';
import { oncePerContainer, oncePerKey } from '#adapters/aws/once-per-container.ts';
import { refreshingSecret, SECRET_RETRY_MS } from '#adapters/aws/secrets.ts';

/** A secret store whose value the test rotates, counting reads; `down` makes reads fail. */
const aSecretStore = (value: string) => {
  const store = { value, reads: 0, down: false };
  const read = async () => {
    store.reads += 1;
    if (store.down) throw new Error('Secrets Manager unreachable');
    return store.value;
  };
  return { store, read };
};

const aClock = (start = Date.parse('2026-12-03T12:00:00Z')) => {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};

describe('refreshingSecret', () => {
  it('reads once and serves the same value until it is max-age old', async () => {
    const { store, read } = aSecretStore('key-one');
    const clock = aClock();
    const secret = refreshingSecret({ read, maxAgeMs: 60_000, now: clock.now });
    expect(await secret()).toBe('key-one');
    clock.advance(59_999);
    store.value = 'key-two';
    expect(await secret()).toBe('key-one');
    expect(store.reads).toBe(1);
  });

  it('picks up a rotated value on the first call after the max age', async () => {
    const { store, read } = aSecretStore('key-one');
    const clock = aClock();
    const secret = refreshingSecret({ read, maxAgeMs: 60_000, now: clock.now });
    await secret();
    store.value = 'key-two';
    clock.advance(60_000);
    expect(await secret()).toBe('key-two');
    expect(store.reads).toBe(2);
    // The new value starts a fresh max age.
    clock.advance(59_000);
    store.value = 'key-three';
    expect(await secret()).toBe('key-two');
    expect(store.reads).toBe(2);
  });

  it('shares one read between calls made at the same time', async () => {
    const { store, read } = aSecretStore('key-one');
    const secret = refreshingSecret({ read, maxAgeMs: 60_000, now: aClock().now });
    expect(await Promise.all([secret(), secret(), secret()])).toEqual(['key-one', 'key-one', 'key-one']);
    expect(store.reads).toBe(1);
  });

  it('fails while it has never read the secret, and reads again on the next call', async () => {
    const { store, read } = aSecretStore('key-one');
    const secret = refreshingSecret({ read, maxAgeMs: 60_000, now: aClock().now });
    store.down = true;
    await expect(secret()).rejects.toThrow('unreachable');
    store.down = false;
    expect(await secret()).toBe('key-one');
    expect(store.reads).toBe(2);
  });

  it('keeps the last value when a re-read fails, and tries again after the retry delay', async () => {
    const { store, read } = aSecretStore('key-one');
    const clock = aClock();
    const secret = refreshingSecret({ read, maxAgeMs: 300_000, now: clock.now });
    await secret();
    clock.advance(300_000);
    store.down = true;
    store.value = 'key-two';
    expect(await secret()).toBe('key-one');
    expect(store.reads).toBe(2);
    // Not read again on every call while the service is down.
    clock.advance(SECRET_RETRY_MS - 1);
    expect(await secret()).toBe('key-one');
    expect(store.reads).toBe(2);
    clock.advance(1);
    store.down = false;
    expect(await secret()).toBe('key-two');
    expect(store.reads).toBe(3);
  });
});

describe('oncePerContainer', () => {
  it('builds on first use only, and again after a failed build', async () => {
    let builds = 0;
    const get = oncePerContainer(async () => {
      builds += 1;
      if (builds === 1) throw new Error('first build fails');
      return { built: builds };
    });
    await expect(get()).rejects.toThrow('first build fails');
    const a = await get();
    const b = await get();
    expect(a).toBe(b);
    expect(builds).toBe(2);
  });
});

describe('oncePerKey', () => {
  it('rebuilds only when the key changes (arrays compared item by item)', async () => {
    const keys: unknown[] = [];
    const get = oncePerKey((key: [string | undefined, string | undefined]) => {
      keys.push(key);
      return { key };
    });
    const first = await get(['sim-key', undefined]);
    expect(await get(['sim-key', undefined])).toBe(first);
    const second = await get(['sim-key-rotated', undefined]);
    expect(second).not.toBe(first);
    expect(keys).toEqual([
      ['sim-key', undefined],
      ['sim-key-rotated', undefined],
    ]);
  });

  it('forgets a failed build, so the same key builds again', async () => {
    let builds = 0;
    const get = oncePerKey((key: string) => {
      builds += 1;
      if (builds === 1) throw new Error('bad secret');
      return key;
    });
    await expect(get('k')).rejects.toThrow('bad secret');
    expect(await get('k')).toBe('k');
    expect(builds).toBe(2);
  });
});
