import { BlockList, isIP } from 'node:net';

/**
 * Which IP addresses a webhook may not reach: anything that is not a public unicast address.
 * A webhook URL is chosen by a tenant, and the app runs inside Azure beside the instance metadata
 * endpoint (169.254.169.254), its own storage and any private network it is joined to; a request
 * there on a tenant's behalf would be server-side request forgery.
 */
const refusedIpv4: [string, number, string][] = [
  ['0.0.0.0', 8, 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata lives here)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay anycast'],
  ['192.168.0.0', 16, 'private'],
  // Azure's virtual public address for platform services (DNS, health probes, the host agent):
  // reachable from every Azure network, never a tenant's receiver.
  ['168.63.129.16', 32, 'Azure platform'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved (and broadcast)'],
];

const refusedIpv6: [string, number, string][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  // IPv4-compatible addresses (deprecated): never a public target.
  ['::', 96, 'IPv4-compatible'],
  ['100::', 64, 'discard-only'],
  ['64:ff9b:1::', 48, 'NAT64 local-use'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'unique local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local (deprecated)'],
  ['ff00::', 8, 'multicast'],
];

const ipv4Rules = rulesOf(refusedIpv4, 'ipv4');
const ipv6Rules = rulesOf(refusedIpv6, 'ipv6');

function rulesOf(ranges: [string, number, string][], type: 'ipv4' | 'ipv6') {
  return ranges.map(([network, prefix, reason]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, type);
    return { list, reason, type };
  });
}

/**
 * Why `address` may not be a webhook's target, or undefined for a public address. An address
 * that is not an IP literal is refused too. IPv6 forms that carry an IPv4 address (IPv4-mapped
 * `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by that IPv4 address.
 */
export function refusedAddressReason(address: string): string | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const version = isIP(bare);
  if (version === 4) return reasonIn(ipv4Rules, bare, 'ipv4');
  if (version !== 6) return 'not an IP address';
  const groups = ipv6Groups(bare);
  const embedded = embeddedIpv4(groups);
  if (embedded) {
    const reason = reasonIn(ipv4Rules, embedded, 'ipv4');
    return reason ? `${reason} (IPv4 ${embedded} inside IPv6)` : undefined;
  }
  return reasonIn(ipv6Rules, bare, 'ipv6');
}

function reasonIn(
  rules: ReturnType<typeof rulesOf>,
  address: string,
  type: 'ipv4' | 'ipv6',
): string | undefined {
  return rules.find((rule) => rule.list.check(address, type))?.reason;
}

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a dotted tail converted). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted.split('.').map(Number);
    text = `${text.slice(0, -dotted.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

function embeddedIpv4(groups: number[]): string | undefined {
  const [g0, g1, g2, g3, g4, g5, g6 = 0, g7 = 0] = groups;
  const fromGroups = (high: number, low: number) =>
    [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  const zeroTo = (count: number) => groups.slice(0, count).every((group) => group === 0);
  // ::ffff:a.b.c.d, IPv4-mapped: the socket talks IPv4 to a.b.c.d.
  if (zeroTo(5) && g5 === 0xffff) return fromGroups(g6, g7);
  // 64:ff9b::a.b.c.d, NAT64's well-known prefix: a gateway forwards it to a.b.c.d.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0)
    return fromGroups(g6, g7);
  // 2002:AABB:CCDD::/48, 6to4: the IPv4 address is in the second and third groups.
  if (g0 === 0x2002 && g1 !== undefined && g2 !== undefined) return fromGroups(g1, g2);
  return undefined;
}
