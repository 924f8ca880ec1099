package io.captioner.streams.fetch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads a stream to its end into memory without ever holding more than a byte limit. */
final class BoundedRead {

    private static final int BUFFER = 8192;

    private BoundedRead() {}

    /**
     * Reads {@code in} to EOF; each read asks for at most one byte beyond what the limit still
     * allows, so an endless or lying source costs at most {@code maxBytes + 1} bytes.
     *
     * @param expected the announced length (file size, Content-Length), or -1, to size the buffer
     * @param what names the source in the error message
     * @throws ImageFetchException with {@code IMAGE_TOO_LARGE} past {@code maxBytes}
     */
    static byte[] readAll(InputStream in, long expected, long maxBytes, String what)
            throws IOException, ImageFetchException {
        int initial = (int) Math.min(expected >= 0 ? expected : BUFFER, maxBytes);
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(initial, 32));
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        while (true) {
            long allowance = maxBytes - total + 1;
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, allowance));
            if (n < 0) {
                return out.toByteArray();
            }
            total += n;
            if (total > maxBytes) {
                throw ImageFetchException.tooLarge(
                        what + " has more than " + maxBytes + " bytes", maxBytes);
            }
            out.write(buffer, 0, n);
        }
    }
}
