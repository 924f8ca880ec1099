package io.captioner.streams.fetch;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;

/**
 * Pure classification of IP addresses for the HTTP fetch policy: looks only at the address bytes,
 * so it never touches the network and cannot be fooled by alternative spellings (decimal, short
 * dotted forms, IPv4-mapped or NAT64-embedded IPv6) once the host has been resolved.
 */
public final class AddressClassifier {

    private AddressClassifier() {}

    /** Returns the category of {@code address}, unwrapping IPv4 embedded in IPv6 forms first. */
    public static AddressCategory classify(InetAddress address) {
        Objects.requireNonNull(address, "address");
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return classifyV4(b);
        }
        if (address instanceof Inet6Address) {
            return classifyV6(b);
        }
        return AddressCategory.RESERVED;
    }

    /**
     * Decides whether a connection to {@code address} is allowed without an allow-list: public
     * addresses always are, loopback and private ones only with {@code allowPrivateNetworks};
     * link-local (cloud metadata), multicast, unspecified and reserved addresses never are, because
     * no deployment needs to fetch images from them and they are the classic SSRF targets. {@link
     * FetchPolicy} adds the allow-list on top.
     */
    public static boolean isPermitted(InetAddress address, boolean allowPrivateNetworks) {
        return isPermitted(classify(address), allowPrivateNetworks);
    }

    /** The policy of {@link #isPermitted(InetAddress, boolean)} applied to a category. */
    public static boolean isPermitted(AddressCategory category, boolean allowPrivateNetworks) {
        switch (category) {
            case PUBLIC:
                return true;
            case LOOPBACK:
            case PRIVATE:
                return allowPrivateNetworks;
            default:
                return false;
        }
    }

    /**
     * The IPv4 address that an IPv6 address carries and that a connection to it would reach:
     * IPv4-compatible {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::a.b.c.d} and 6to4 {@code
     * 2002:AABB:CCDD::}; empty for anything else (IPv4-mapped addresses are already {@link
     * Inet4Address} in Java).
     */
    static Optional<Inet4Address> embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return Optional.empty();
        }
        byte[] b = address.getAddress();
        byte[] v4 = null;
        if (allZero(b, 0, 12) && !allZero(b, 12, 15)) {
            v4 = tail(b, 12);
        } else if (((b[0] & 0xff) << 8 | (b[1] & 0xff)) == 0x0064
                && ((b[2] & 0xff) << 8 | (b[3] & 0xff)) == 0xff9b
                && allZero(b, 4, 12)) {
            v4 = tail(b, 12);
        } else if (((b[0] & 0xff) << 8 | (b[1] & 0xff)) == 0x2002) {
            v4 = new byte[] {b[2], b[3], b[4], b[5]};
        }
        if (v4 == null) {
            return Optional.empty();
        }
        try {
            return Optional.of((Inet4Address) InetAddress.getByAddress(v4));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always an IPv4 address", e);
        }
    }

    private static AddressCategory classifyV4(byte[] b) {
        int o0 = b[0] & 0xff;
        int o1 = b[1] & 0xff;
        int o2 = b[2] & 0xff;
        if (o0 == 0) {
            return AddressCategory.UNSPECIFIED;
        }
        if (o0 == 127) {
            return AddressCategory.LOOPBACK;
        }
        if (o0 == 10 || (o0 == 172 && (o1 & 0xf0) == 16) || (o0 == 192 && o1 == 168)) {
            return AddressCategory.PRIVATE;
        }
        if (o0 == 100 && (o1 & 0xc0) == 64) {
            return AddressCategory.PRIVATE; // carrier-grade NAT, RFC 6598
        }
        if (o0 == 169 && o1 == 254) {
            return AddressCategory.LINK_LOCAL;
        }
        if (o0 >= 224 && o0 <= 239) {
            return AddressCategory.MULTICAST;
        }
        if (o0 >= 240) {
            return AddressCategory.RESERVED; // 240/4 and the limited broadcast address
        }
        if ((o0 == 192 && o1 == 0 && (o2 == 0 || o2 == 2))
                || (o0 == 198 && (o1 == 18 || o1 == 19))
                || (o0 == 198 && o1 == 51 && o2 == 100)
                || (o0 == 203 && o1 == 0 && o2 == 113)) {
            return AddressCategory.RESERVED;
        }
        return AddressCategory.PUBLIC;
    }

    private static AddressCategory classifyV6(byte[] b) {
        if (allZero(b, 0, 10)) {
            if ((b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                return classifyV4(tail(b, 12)); // ::ffff:a.b.c.d, IPv4-mapped
            }
            if (b[10] == 0 && b[11] == 0) {
                if (allZero(b, 12, 15)) {
                    if (b[15] == 0) {
                        return AddressCategory.UNSPECIFIED;
                    }
                    if (b[15] == 1) {
                        return AddressCategory.LOOPBACK;
                    }
                }
                return classifyV4(tail(b, 12)); // ::a.b.c.d, deprecated IPv4-compatible
            }
        }
        int w0 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
        int w1 = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        int w2 = ((b[4] & 0xff) << 8) | (b[5] & 0xff);
        if (w0 == 0x0064 && w1 == 0xff9b) {
            if (w2 == 0 && allZero(b, 6, 12)) {
                return classifyV4(tail(b, 12)); // NAT64 well-known prefix 64:ff9b::/96
            }
            if (w2 == 1) {
                return AddressCategory.PRIVATE; // local-use NAT64 64:ff9b:1::/48
            }
        }
        if (w0 == 0x2002) {
            return classifyV4(new byte[] {b[2], b[3], b[4], b[5]}); // 6to4 embeds an IPv4 address
        }
        if ((w0 & 0xff00) == 0xff00) {
            return AddressCategory.MULTICAST;
        }
        if ((w0 & 0xffc0) == 0xfe80) {
            return AddressCategory.LINK_LOCAL;
        }
        if ((w0 & 0xffc0) == 0xfec0 || (w0 & 0xfe00) == 0xfc00) {
            return AddressCategory.PRIVATE;
        }
        if (w0 == 0x2001 && w1 == 0x0db8) {
            return AddressCategory.RESERVED; // documentation
        }
        if ((w0 & 0xe000) != 0x2000) {
            return AddressCategory.RESERVED; // outside global unicast 2000::/3
        }
        return AddressCategory.PUBLIC;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] tail(byte[] b, int from) {
        return new byte[] {b[from], b[from + 1], b[from + 2], b[from + 3]};
    }
}
