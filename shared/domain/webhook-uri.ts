import { ValidationFailed } from './errors.ts';

/** Lower case, no IPv6 brackets, no trailing root dot (`localhost.` is `localhost`). */
const bareHost = (host: string) =>
  host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');

/**
 * Customer webhook URIs: in the cloud https only and never a private, link-local or loopback address
 * (the service must not be a proxy into the deployer's network); locally http and loopback are fine so
 * people can test with a receiver on their own machine. Names that resolve to private addresses are
 * refused again at delivery time, where the address is known.
 */
export const isPrivateHost = (host: string): boolean => {
  const h = bareHost(host);
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
    // `::…` is unspecified, loopback, IPv4-mapped or IPv4-compatible; 64:ff9b:: is NAT64 onto IPv4;
    // fc00::/7 unique local; fe80::/10 link local and the old fec0::/10 site local.
    return h.startsWith('::') || h.startsWith('64:ff9b:') || /^f[cd]/.test(h) || /^fe[89a-f]/.test(h);
  }
  return false;
};

const isLoopback = (host: string) => {
  const h = bareHost(host);
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
