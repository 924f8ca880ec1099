package io.captioner.streams.fetch;

/**
 * What kind of network an IP address belongs to, as far as server-side request forgery is
 * concerned; {@link AddressClassifier} assigns the category and decides which ones may be fetched.
 */
public enum AddressCategory {
    /** A globally routable unicast address: always fetchable when HTTP is enabled. */
    PUBLIC,
    /** 127.0.0.0/8 and ::1: the fetcher's own host. */
    LOOPBACK,
    /**
     * RFC 1918 (10/8, 172.16/12, 192.168/16), carrier-grade NAT 100.64/10, IPv6 unique-local
     * fc00::/7, deprecated site-local fec0::/10 and local-use NAT64 64:ff9b:1::/48.
     */
    PRIVATE,
    /** 169.254/16 (where cloud metadata services such as 169.254.169.254 live) and fe80::/10. */
    LINK_LOCAL,
    /** 224/4 and ff00::/8: never an HTTP server. */
    MULTICAST,
    /** 0.0.0.0/8 and ::, which the kernel treats as "this host". */
    UNSPECIFIED,
    /**
     * Documentation, benchmarking, broadcast and other reserved ranges, and IPv6 outside the global
     * unicast block 2000::/3: never a legitimate image host.
     */
    RESERVED
}
