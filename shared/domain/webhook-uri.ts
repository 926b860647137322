import { ValidationFailed } from './errors.ts';

/**
 * Customer webhook URIs: in the cloud https only and never a private, link-local or loopback address
 * (the service must not be a proxy into the deployer's network); locally http and loopback are fine so
 * people can test with a receiver on their own machine. Names that resolve to private addresses are
 * refused again at delivery time, where the address is known.
 */
export const isPrivateHost = (host: string): boolean => {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h.endsWith('.internal') || h.endsWith('.local'))
    return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      a >= 224
    );
  }
  if (h.includes(':')) {
    return h === '::' || h === '::1' || /^f[cd]/.test(h) || /^fe[89ab]/.test(h) || h.startsWith('::ffff:');
  }
  return false;
};

const isLoopback = (host: string) => {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\./.test(h);
};

export const checkWebhookUri = (uri: string, runtime: 'local' | 'aws'): void => {
  if (uri === '') return;
  const fail = (issue: string): never => {
    throw new ValidationFailed(`webhook_uri ${issue}`, [{ field: 'webhook_uri', issue }]);
  };
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    fail('is not a URL');
    return;
  }
  if (url.username || url.password) fail('must not carry credentials');
  const local = runtime === 'local';
  if (url.protocol !== 'https:' && !(local && url.protocol === 'http:')) fail('must use https');
  if (isPrivateHost(url.hostname) && !(local && isLoopback(url.hostname))) {
    fail('must not point at a private or loopback address');
  }
};
