package io.captioner.ops;

import java.io.IOException;

/**
 * A read-only ops path (GET and HEAD), e.g. the streams app's {@code /model} or the training
 * service's {@code /status}: the server handles methods, errors and writing, the endpoint only
 * computes its answer.
 */
@FunctionalInterface
public interface OpsEndpoint {

    /**
     * Answers one request; runs on the server's request threads, possibly concurrently.
     *
     * @throws IOException or a runtime exception, both answered with 500 and logged
     */
    OpsResponse handle(OpsRequest request) throws IOException;
}
