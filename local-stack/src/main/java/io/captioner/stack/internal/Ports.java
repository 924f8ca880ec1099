package io.captioner.stack.internal;

import io.captioner.stack.StackException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Finds free TCP ports for listeners whose port must be known before the server binds it. */
public final class Ports {

    private Ports() {}

    /**
     * Returns a port that was free on {@code host} a moment ago; another process may still take it
     * before the caller binds it, so callers retry on a bind failure.
     */
    public static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new StackException("cannot find a free port on " + host, e);
        }
    }

    /**
     * Fails fast with a clear message when a fixed port is taken, instead of letting a server fail
     * half-way through its startup with a stack trace.
     */
    public static void requireFree(String what, String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            throw new StackException(
                    what
                            + " port "
                            + port
                            + " on "
                            + host
                            + " is already in use: "
                            + e.getMessage(),
                    e);
        }
    }

    /** Validates a TCP port number where 0 means "pick a free one". */
    public static int checkPort(String what, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(what + " must be 0..65535 (0 = free port): " + port);
        }
        return port;
    }
}
