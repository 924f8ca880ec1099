package io.captioner.streams.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Resolves a host name to every address it maps to; {@link ImageFetcher} checks all of them and
 * then connects only to one of those checked addresses, so the name is never resolved twice.
 */
@FunctionalInterface
public interface HostResolver {

    /** Returns all addresses of {@code host} (a name or an IP literal without brackets). */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    /** The JVM's resolver ({@link InetAddress#getAllByName}), which honours its DNS cache. */
    static HostResolver system() {
        return host -> List.of(InetAddress.getAllByName(host));
    }
}
