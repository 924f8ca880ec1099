package io.captioner.streams.fetch;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one HTTP/1.1 response from a socket with hard limits on line length, header size and time,
 * and exposes the body de-framed (Content-Length, chunked or until close). Kept minimal on purpose:
 * the fetcher only ever sends a GET with {@code Connection: close}.
 */
final class HttpResponseStream {

    static final int MAX_LINE_BYTES = 8 * 1024;
    static final int MAX_HEADER_BYTES = 64 * 1024;
    static final int MAX_HEADER_LINES = 128;
    private static final int MAX_INTERIM_RESPONSES = 8;

    private final InputStream in;
    private int status;
    private final Map<String, List<String>> headers = new LinkedHashMap<>();

    private HttpResponseStream(InputStream in) {
        this.in = in;
    }

    /** Reads the status line and headers, skipping interim 1xx responses. */
    static HttpResponseStream read(Socket socket, Deadline deadline) throws IOException {
        InputStream raw = new DeadlineInputStream(socket, deadline);
        HttpResponseStream response = new HttpResponseStream(new BufferedInputStream(raw, 8192));
        for (int i = 0; ; i++) {
            response.readHead();
            if (response.status >= 200 || response.status == 101) {
                return response;
            }
            if (i >= MAX_INTERIM_RESPONSES) {
                throw new ProtocolException("too many interim 1xx responses");
            }
        }
    }

    int status() {
        return status;
    }

    /** The first value of a header (name matched case-insensitively), or null. */
    String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null ? null : values.get(0);
    }

    /** All values of a header (name matched case-insensitively). */
    List<String> headers(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    /** The body without framing: exactly {@code contentLength} bytes, chunk-decoded, or to EOF. */
    InputStream body(long contentLength, boolean chunked) {
        if (chunked) {
            return new ChunkedInputStream(in);
        }
        if (contentLength >= 0) {
            return new FixedLengthInputStream(in, contentLength);
        }
        return in;
    }

    private void readHead() throws IOException {
        headers.clear();
        String statusLine = readLine(in);
        if (statusLine == null) {
            throw new EOFException("connection closed before a response arrived");
        }
        // "HTTP/1.1 200 OK"; the reason phrase is optional and ignored.
        if (!statusLine.startsWith("HTTP/1.")
                || statusLine.length() < 12
                || statusLine.charAt(8) != ' '
                || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
            throw new ProtocolException("not an HTTP/1.x status line: " + printable(statusLine));
        }
        String code = statusLine.substring(9, 12);
        if (!code.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ProtocolException("bad status code: " + printable(statusLine));
        }
        status = Integer.parseInt(code);
        int total = statusLine.length();
        for (int lines = 0; ; lines++) {
            String line = readLine(in);
            if (line == null) {
                throw new EOFException("connection closed inside the response headers");
            }
            if (line.isEmpty()) {
                return;
            }
            total += line.length();
            if (total > MAX_HEADER_BYTES || lines >= MAX_HEADER_LINES) {
                throw new ProtocolException(
                        "response headers exceed " + MAX_HEADER_BYTES + " bytes");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new ProtocolException("malformed header line: " + printable(line));
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            headers.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
        }
    }

    /**
     * Reads a CRLF- (or bare LF-) terminated ISO-8859-1 line without its terminator; null at EOF
     * before any byte.
     */
    static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (sb.length() == 0) {
                    return null;
                }
                throw new EOFException("connection closed inside a line");
            }
            if (c == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            if (sb.length() >= MAX_LINE_BYTES) {
                throw new ProtocolException("line longer than " + MAX_LINE_BYTES + " bytes");
            }
            sb.append((char) c);
        }
    }

    static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return new String(cut.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.US_ASCII)
                .replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** Re-arms the socket timeout with what is left of the deadline before every blocking read. */
    private static final class DeadlineInputStream extends FilterInputStream {
        private final Socket socket;
        private final Deadline deadline;

        DeadlineInputStream(Socket socket, Deadline deadline) throws IOException {
            super(socket.getInputStream());
            this.socket = socket;
            this.deadline = deadline;
        }

        @Override
        public int read() throws IOException {
            socket.setSoTimeout(deadline.remainingMillis());
            return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            socket.setSoTimeout(deadline.remainingMillis());
            return super.read(b, off, len);
        }
    }

    /** Exactly {@code length} bytes; an early EOF is a truncated response, not a short image. */
    private static final class FixedLengthInputStream extends FilterInputStream {
        private long remaining;

        FixedLengthInputStream(InputStream in, long length) {
            super(in);
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException(
                        "connection closed with " + remaining + " bytes of the body missing");
            }
            remaining -= n;
            return n;
        }
    }

    /** RFC 9112 chunked transfer coding; chunk extensions and trailers are read and ignored. */
    private static final class ChunkedInputStream extends FilterInputStream {
        private long chunkLeft;
        private boolean started;
        private boolean done;

        ChunkedInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (chunkLeft == 0) {
                if (started) {
                    String crlf = readLine(in);
                    if (crlf == null || !crlf.isEmpty()) {
                        throw new ProtocolException("chunk not followed by CRLF");
                    }
                }
                started = true;
                chunkLeft = readChunkSize();
                if (chunkLeft == 0) {
                    skipTrailers();
                    done = true;
                    return -1;
                }
            }
            int n = super.read(b, off, (int) Math.min(len, chunkLeft));
            if (n < 0) {
                throw new EOFException("connection closed inside a chunk");
            }
            chunkLeft -= n;
            return n;
        }

        private long readChunkSize() throws IOException {
            String line = readLine(in);
            if (line == null) {
                throw new EOFException("connection closed before the last chunk");
            }
            int semi = line.indexOf(';');
            String hex = (semi >= 0 ? line.substring(0, semi) : line).trim();
            if (hex.isEmpty()
                    || hex.length() > 15
                    || !hex.chars().allMatch(HttpResponseStream::isHex)) {
                throw new ProtocolException("bad chunk size: " + printable(line));
            }
            return Long.parseLong(hex, 16);
        }

        private void skipTrailers() throws IOException {
            for (int i = 0; ; i++) {
                String line = readLine(in);
                if (line == null || line.isEmpty()) {
                    return;
                }
                if (i >= MAX_HEADER_LINES) {
                    throw new ProtocolException("too many trailer lines");
                }
            }
        }
    }

    private static boolean isHex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
