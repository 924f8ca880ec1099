package io.captioner.streams.fetch;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import javax.net.SocketFactory;

/**
 * Sockets whose blocking connect and reads give up when the calling thread is interrupted.
 *
 * <p>A plain {@link Socket} on Java 17 ignores {@link Thread#interrupt()}: a worker blocked on a
 * silent server stays blocked until a timeout. The socket of a {@link SocketChannel} is an
 * interruptible channel: interrupting the thread closes it and the blocked call throws {@link
 * java.nio.channels.ClosedByInterruptException}. Timeouts ({@code setSoTimeout}, connect timeouts)
 * work on it as on any socket, and TLS layers over it unchanged. So a caller that cancels a fetch
 * with {@code Future.cancel(true)} gets its thread back and the connection closed at once.
 */
final class InterruptibleSocketFactory extends SocketFactory {

    @Override
    public Socket createSocket() throws IOException {
        return SocketChannel.open().socket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
            throws IOException {
        return connected(
                new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(
            InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected(
                new InetSocketAddress(address, port),
                new InetSocketAddress(localAddress, localPort));
    }

    private Socket connected(InetSocketAddress remote, InetSocketAddress... local)
            throws IOException {
        Socket socket = createSocket();
        try {
            if (local.length > 0) {
                socket.bind(local[0]);
            }
            socket.connect(remote);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
