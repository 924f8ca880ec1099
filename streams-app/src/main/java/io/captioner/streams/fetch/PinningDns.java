package io.captioner.streams.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Dns;

/**
 * OkHttp's name lookup, pinned to the policy: a host name is resolved once, every address is
 * checked with {@link FetchPolicy#checkResolved}, and only those checked addresses are handed to
 * OkHttp, which connects to nothing else. A DNS answer that changes between check and connect
 * (rebinding) therefore cannot redirect the connection. IP literals never reach a {@code Dns} hook;
 * {@link FetchPolicy#checkHost} checks those before the call.
 *
 * <p>The JDK resolver cannot be interrupted or given a timeout, so lookups run on a small pool of
 * daemon threads and the caller waits at most the connect timeout (and stops waiting when
 * interrupted); a hung resolver then delays only its own lookup thread.
 */
final class PinningDns implements Dns, AutoCloseable {

    private static final int MAX_LOOKUPS_IN_FLIGHT = 16;

    private final HostResolver resolver;
    private final FetchPolicy policy;
    private final Duration timeout;
    private final ThreadPoolExecutor lookups;

    PinningDns(HostResolver resolver, FetchPolicy policy, Duration timeout) {
        this.resolver = resolver;
        this.policy = policy;
        this.timeout = timeout;
        AtomicInteger threads = new AtomicInteger();
        this.lookups =
                new ThreadPoolExecutor(
                        0,
                        MAX_LOOKUPS_IN_FLIGHT,
                        30,
                        TimeUnit.SECONDS,
                        new SynchronousQueue<>(),
                        r -> {
                            Thread t =
                                    new Thread(
                                            r, "captioner-fetch-dns-" + threads.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
    }

    @Override
    public List<InetAddress> lookup(String hostname) throws UnknownHostException {
        List<InetAddress> addresses = resolve(hostname);
        try {
            policy.checkResolved(hostname, addresses, "");
        } catch (ImageFetchException e) {
            if (e.reason() == ImageFetchException.Reason.FORBIDDEN_URI) {
                throw new RefusedAddressException(e.getMessage());
            }
            throw new UnknownHostException(e.getMessage());
        }
        return List.copyOf(addresses);
    }

    private List<InetAddress> resolve(String hostname) throws UnknownHostException {
        Future<List<InetAddress>> future;
        try {
            future = lookups.submit(() -> resolver.resolve(hostname));
        } catch (RejectedExecutionException e) {
            if (lookups.isShutdown()) {
                throw new UnknownHostException(
                        "cannot resolve " + hostname + ": the image fetcher is closed");
            }
            throw new UnknownHostException(
                    "cannot resolve "
                            + hostname
                            + ": "
                            + MAX_LOOKUPS_IN_FLIGHT
                            + " DNS lookups are already in flight");
        }
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new UnknownHostException("interrupted while resolving " + hostname);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new UnknownHostException(
                    "DNS lookup of "
                            + hostname
                            + " took longer than "
                            + timeout.toMillis()
                            + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnknownHostException unknown) {
                throw unknown;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            UnknownHostException wrapped =
                    new UnknownHostException("cannot resolve " + hostname + ": " + cause);
            wrapped.initCause(cause);
            throw wrapped;
        }
    }

    @Override
    public void close() {
        lookups.shutdownNow();
    }

    /**
     * A host name whose addresses the policy refused; an {@link UnknownHostException} because that
     * is all a {@code Dns} hook may throw, unwrapped into {@code FORBIDDEN_URI} by the caller.
     */
    static final class RefusedAddressException extends UnknownHostException {
        private static final long serialVersionUID = 1L;

        RefusedAddressException(String message) {
            super(message);
        }
    }
}
