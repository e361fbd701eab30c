import { lookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { Agent } from 'undici';
import { refusedAddressReason } from './target-address';

/** A webhook URL the app will not call, and why; the reason is safe to show the tenant. */
export class WebhookTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookTargetError';
  }
}

export interface TargetPolicy {
  /** WEBHOOKS_ALLOW_LOCAL_TARGETS: http and private addresses allowed (local stack, tests). */
  allowLocalTargets: boolean;
}

/** The URL's form: https (http only when local targets are allowed), no user info. */
export function checkTargetUrl(url: URL, policy: TargetPolicy): void {
  const schemes = policy.allowLocalTargets ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) throw new WebhookTargetError('must use https');
  // Credentials in a URL would be stored and shown with it; a webhook authenticates by signature.
  if (url.username || url.password)
    throw new WebhookTargetError('must not hold a user or password');
  if (policy.allowLocalTargets) return;
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal)) refuseAddress(literal);
}

function refuseAddress(address: string): void {
  const reason = refusedAddressReason(address);
  // The reason, not the address: a tenant must not learn what names resolve to inside the network.
  if (reason) throw new WebhookTargetError(`must not reach a ${reason} address`);
}

function lookupAll(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    lookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    );
  });
}

/**
 * At registration: the URL's form, and every address its host resolves to now. A host with one
 * refused address among public ones is refused whole: which one a client picks is not ours to say.
 */
export async function checkTarget(url: URL, policy: TargetPolicy): Promise<void> {
  checkTargetUrl(url, policy);
  if (policy.allowLocalTargets || isIP(url.hostname.replace(/^\[|\]$/g, ''))) return;
  let addresses: LookupAddress[];
  try {
    addresses = await lookupAll(url.hostname);
  } catch {
    throw new WebhookTargetError(`has a host that does not resolve (${url.hostname})`);
  }
  for (const { address } of addresses) refuseAddress(address);
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * The lookup every delivery connects through: it resolves the host, refuses it if any address is
 * refused, and hands the socket exactly the addresses it checked. The check and the connection
 * use one answer, so a DNS record that changes between registration and delivery (rebinding)
 * or between a check and a connect cannot point a delivery inside.
 */
function guardedLookup(
  hostname: string,
  options: { family?: number | string; all?: boolean },
  callback: LookupCallback,
): void {
  lookupAll(hostname).then(
    (found) => {
      const family = Number(options.family) || 0;
      const addresses = found.filter((entry) => family === 0 || entry.family === family);
      const refused = found.find((entry) => refusedAddressReason(entry.address));
      if (refused || addresses.length === 0) {
        const error: NodeJS.ErrnoException = new Error(
          refused
            ? `${hostname} resolves to a refused address (${refusedAddressReason(refused.address)})`
            : `${hostname} has no address`,
        );
        error.code = refused ? 'EWEBHOOKTARGET' : 'ENOTFOUND';
        callback(error, []);
        return;
      }
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    },
    (error: NodeJS.ErrnoException) => callback(error, []),
  );
}

/**
 * The connection pool deliveries go through. Redirects are never followed (undici's request does
 * not follow them): a 3xx is a failed delivery, so a target cannot bounce us to another host.
 * With local targets allowed, the plain lookup is used.
 */
export function createDeliveryAgent(policy: TargetPolicy): Agent {
  return new Agent({
    connect: {
      timeout: 10_000,
      ...(policy.allowLocalTargets ? {} : { lookup: guardedLookup }),
    },
    // Webhook receivers are many and seldom called: keep few idle sockets, briefly.
    keepAliveTimeout: 4_000,
    connections: 4,
  });
}
