package io.captioner.streams.fetch;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The destinations an operator opened to http(s) claim-checks beyond the public internet: host
 * names (exact, or {@code *.suffix} for every subdomain) and networks in CIDR notation. Pure: it
 * looks only at strings and address bytes and never resolves anything.
 *
 * <p>An allow-listed destination may be loopback or private (an object store at {@code 10.1.2.3}, a
 * MinIO pod on {@code minio.storage.svc}); link-local (cloud metadata), multicast, unspecified and
 * reserved addresses stay forbidden even when listed, which {@link FetchPolicy} enforces.
 */
public final class NetworkAllowList {

    /** Nothing listed. */
    public static final NetworkAllowList EMPTY = new NetworkAllowList(List.of(), List.of());

    private final List<String> hosts;
    private final List<Cidr> networks;

    private NetworkAllowList(List<String> hosts, List<Cidr> networks) {
        this.hosts = List.copyOf(hosts);
        this.networks = List.copyOf(networks);
    }

    /**
     * Parses host and network entries.
     *
     * @param hosts host names such as {@code minio.internal} or {@code *.storage.internal}
     * @param networks CIDRs such as {@code 10.1.2.0/24}, {@code fd00::/8}, or single addresses
     * @throws IllegalArgumentException naming the first entry that is not valid
     */
    public static NetworkAllowList of(Iterable<String> hosts, Iterable<String> networks) {
        List<String> h = new ArrayList<>();
        for (String host : hosts) {
            h.add(parseHost(host));
        }
        List<Cidr> n = new ArrayList<>();
        for (String network : networks) {
            n.add(Cidr.parse(network));
        }
        return new NetworkAllowList(h, n);
    }

    /**
     * Validates and normalises one host entry (lower case, no trailing dot).
     *
     * @throws IllegalArgumentException if it is empty, an IP address, has a port or a bad label
     */
    public static String parseHost(String entry) {
        Objects.requireNonNull(entry, "host");
        String host = entry.trim().toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty host name");
        }
        if (FetchPolicy.looksLikeIpLiteral(host) || host.startsWith("[")) {
            throw new IllegalArgumentException(
                    "'"
                            + entry.trim()
                            + "' is an address, not a host name; list addresses as networks"
                            + " (CIDR, e.g. 10.1.2.3/32)");
        }
        String name = host.startsWith("*.") ? host.substring(2) : host;
        if (name.isEmpty() || name.contains("*")) {
            throw new IllegalArgumentException(
                    "'" + entry.trim() + "': only a leading '*.' wildcard is allowed");
        }
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty()
                    || label.length() > 63
                    || !label.chars()
                            .allMatch(
                                    c ->
                                            (c >= 'a' && c <= 'z')
                                                    || (c >= '0' && c <= '9')
                                                    || c == '-'
                                                    || c == '_')) {
                throw new IllegalArgumentException(
                        "'"
                                + entry.trim()
                                + "' is not a host name (letters, digits, '-', '_' and dots;"
                                + " no port or scheme)");
            }
        }
        return host;
    }

    /**
     * Validates one network entry in CIDR notation (a bare address is a /32 or /128).
     *
     * @return the entry, trimmed
     * @throws IllegalArgumentException if it is not a network, has host bits set past the prefix,
     *     or starts in a range that is never fetched
     */
    public static String parseNetwork(String entry) {
        return Cidr.parse(entry).toString();
    }

    /** Whether nothing is listed. */
    public boolean isEmpty() {
        return hosts.isEmpty() && networks.isEmpty();
    }

    /**
     * Whether {@code host} (as the HTTP client will send it: lower case, no brackets) is listed by
     * name; {@code *.example.com} matches {@code a.example.com} and {@code a.b.example.com} but not
     * {@code example.com}.
     */
    public boolean allowsHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        for (String entry : hosts) {
            if (entry.startsWith("*.") ? h.endsWith(entry.substring(1)) : h.equals(entry)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code address}, or the IPv4 address it embeds (IPv4-mapped, NAT64, 6to4), lies in a
     * listed network.
     */
    public boolean allowsAddress(InetAddress address) {
        Optional<Inet4Address> embedded = AddressClassifier.embeddedIpv4(address);
        for (Cidr network : networks) {
            if (network.contains(address)
                    || (embedded.isPresent() && network.contains(embedded.get()))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "hosts=" + hosts + ", networks=" + networks;
    }

    /** One network: a base address and a prefix length, compared on the address bytes. */
    static final class Cidr {
        private final byte[] base;
        private final int prefix;
        private final String text;

        private Cidr(byte[] base, int prefix, String text) {
            this.base = base;
            this.prefix = prefix;
            this.text = text;
        }

        /**
         * Parses {@code a.b.c.d/n}, {@code v6::/n} or a single address (a /32 or /128).
         *
         * @throws IllegalArgumentException if it is not one, has bits set past the prefix, or
         *     starts in a range that is never fetched (link-local, multicast, unspecified,
         *     reserved), where it could only ever be a mistake
         */
        static Cidr parse(String entry) {
            Objects.requireNonNull(entry, "network");
            String text = entry.trim();
            int slash = text.indexOf('/');
            String addressPart = slash < 0 ? text : text.substring(0, slash);
            InetAddress address;
            try {
                address = FetchPolicy.parseIpLiteral(addressPart);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(
                        "'" + text + "' is not a network in CIDR notation (e.g. 10.1.2.0/24)");
            }
            byte[] bytes = address.getAddress();
            int max = bytes.length * 8;
            int prefix = max;
            if (slash >= 0) {
                String digits = text.substring(slash + 1);
                if (digits.isEmpty()
                        || digits.length() > 3
                        || !digits.chars().allMatch(Character::isDigit)) {
                    throw new IllegalArgumentException(
                            "'" + text + "' has no valid prefix length after '/'");
                }
                prefix = Integer.parseInt(digits);
                if (prefix > max) {
                    throw new IllegalArgumentException(
                            "'" + text + "': prefix length " + prefix + " is over " + max);
                }
            }
            for (int bit = prefix; bit < max; bit++) {
                if ((bytes[bit / 8] & (0x80 >> (bit % 8))) != 0) {
                    throw new IllegalArgumentException(
                            "'"
                                    + text
                                    + "' has host bits set past the /"
                                    + prefix
                                    + " prefix; write the network address");
                }
            }
            AddressCategory category = AddressClassifier.classify(address);
            if (!FetchPolicy.canBeAllowed(category)) {
                throw new IllegalArgumentException(
                        "'"
                                + text
                                + "' starts in a "
                                + FetchPolicy.categoryName(category)
                                + " range, which is never fetched");
            }
            return new Cidr(bytes, prefix, text);
        }

        boolean contains(InetAddress address) {
            byte[] b = address.getAddress();
            if (b.length != base.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (b[i] != base[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (b[full] & mask) == (base[full] & mask);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
