package io.captioner.streams.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A one-connection-at-a-time TCP server on 127.0.0.1 that answers every request with whatever its
 * responder writes, for responses the JDK HTTP server cannot produce (close-delimited bodies,
 * trickling bytes, silence).
 */
final class RawHttpServer implements AutoCloseable {

    /** Writes a raw HTTP response. */
    interface Responder {
        void respond(OutputStream out) throws IOException, InterruptedException;
    }

    /** Handles one accepted connection after its request head was read. */
    interface ConnectionHandler {
        void handle(Socket socket) throws IOException, InterruptedException;
    }

    private final ServerSocket serverSocket;
    private final Thread thread;
    private final AtomicInteger requests = new AtomicInteger();

    RawHttpServer(Responder responder) throws IOException {
        this((ConnectionHandler) socket -> responder.respond(socket.getOutputStream()));
    }

    /** A server that hands each connection to {@code handler} after reading the request head. */
    static RawHttpServer handling(ConnectionHandler handler) throws IOException {
        return new RawHttpServer(handler);
    }

    private RawHttpServer(ConnectionHandler handler) throws IOException {
        serverSocket = new ServerSocket();
        serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread =
                new Thread(
                        () -> {
                            while (!serverSocket.isClosed()) {
                                try (Socket socket = serverSocket.accept()) {
                                    skipRequestHead(socket.getInputStream());
                                    requests.incrementAndGet();
                                    handler.handle(socket);
                                } catch (IOException e) {
                                    // Client went away or the server is closing.
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                    return;
                                }
                            }
                        },
                        "raw-http-server");
        thread.setDaemon(true);
        thread.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + serverSocket.getLocalPort() + path;
    }

    int requests() {
        return requests.get();
    }

    private static void skipRequestHead(InputStream in) throws IOException {
        int state = 0; // counts the bytes of "\r\n\r\n" seen in a row
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("request ended early");
            }
            state = (c == '\r' && state % 2 == 0) || (c == '\n' && state % 2 == 1) ? state + 1 : 0;
        }
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
