import { describe, expect, it } from "vitest";
import { clientIp, parseTrustProxy } from "./client-ip.ts";

describe("clientIp", () => {
  it("trusts nobody by default: the socket address", () => {
    expect(clientIp("192.0.2.1", "203.0.113.5", parseTrustProxy(""))).toBe("192.0.2.1");
    expect(clientIp("::ffff:192.0.2.1", undefined, parseTrustProxy(undefined))).toBe("192.0.2.1");
  });

  it("with a number of hops, takes that many addresses from the socket backwards", () => {
    expect(clientIp("10.0.0.2", "1.1.1.1, 203.0.113.5", parseTrustProxy("1"))).toBe("203.0.113.5");
    expect(clientIp("10.0.0.2", "1.1.1.1, 203.0.113.5, 10.0.0.9", parseTrustProxy("2"))).toBe("203.0.113.5");
    expect(clientIp("10.0.0.2", "", parseTrustProxy("1"))).toBe("10.0.0.2");
  });

  it("with a list, walks back while the hop is a listed proxy", () => {
    const trust = parseTrustProxy("10.0.0.0/8, 2001:db8::/32, 127.0.0.1");
    expect(clientIp("10.0.0.2", "203.0.113.5, 10.1.1.1", trust)).toBe("203.0.113.5");
    expect(clientIp("127.0.0.1", "198.51.100.3", trust)).toBe("198.51.100.3");
    expect(clientIp("2001:db8::1", "198.51.100.3", trust)).toBe("198.51.100.3");
    expect(clientIp("192.0.2.1", "198.51.100.3", trust)).toBe("192.0.2.1");
  });

  it("stops at a malformed forwarded entry: the trusted proxy is as far as is known", () => {
    expect(clientIp("10.0.0.2", "not-an-ip", parseTrustProxy("10.0.0.0/8"))).toBe("10.0.0.2");
  });

  it("refuses a TRUST_PROXY entry that is not an address, naming it", () => {
    expect(() => parseTrustProxy("10.0.0.0/8, proxy.local")).toThrow(/"proxy.local"/);
  });
});
