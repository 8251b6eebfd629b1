import ipaddr from "ipaddr.js";

// The address a request came from. Behind a reverse proxy the socket's address is the proxy's,
// and the client's is in X-Forwarded-For — but anyone can send that header, so it is read only
// as far as the operator said the hops are trusted (TRUST_PROXY): from the socket backwards,
// each trusted hop vouches for the address before it; the first untrusted one is the client.

/** Whether the address `hopsFromSocket` hops back from the socket (0 = the socket) is a trusted proxy. */
export type TrustProxy = (address: string, hopsFromSocket: number) => boolean;

export const trustNone: TrustProxy = () => false;

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * TRUST_PROXY as the operator writes it: empty (trust nobody: the socket address is the client),
 * a number of hops (1 = one proxy in front of the app), or a comma-separated list of proxy
 * addresses and CIDR ranges. Throws a message naming the bad entry.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = (value ?? "").trim();
  if (!text || text === "0") return trustNone;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return (_address, hop) => hop < hops;
  }
  const ranges: Range[] = text.split(",").map((entry) => {
    const item = entry.trim();
    try {
      if (item.includes("/")) return ipaddr.parseCIDR(item);
      const address = ipaddr.parse(item);
      return [address, address.kind() === "ipv4" ? 32 : 128];
    } catch {
      throw new Error(`TRUST_PROXY: "${item}" is neither an IP address nor a CIDR range`);
    }
  });
  return (address) => {
    const parsed = parseAddress(address);
    return !!parsed && ranges.some(([net, bits]) => net.kind() === parsed.kind() && parsed.match(net, bits));
  };
}

function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d.
    return ipaddr.process(address.trim());
  } catch {
    return null;
  }
}

/** The client's address: the socket's, or the forwarded one that trusted proxies vouch for. */
export function clientIp(socketAddress: string, forwardedFor: string | null | undefined, trust: TrustProxy): string {
  const socket = parseAddress(socketAddress)?.toString() ?? socketAddress;
  const forwarded = (forwardedFor ?? "").split(",").map((s) => s.trim()).filter(Boolean).reverse();
  let client = socket;
  for (let hop = 0; hop < forwarded.length; hop++) {
    if (!trust(client, hop)) break;
    const previous = parseAddress(forwarded[hop]!);
    // A trusted proxy passing on garbage: the proxy is as far back as can be known.
    if (!previous) break;
    client = previous.toString();
  }
  return client;
}
