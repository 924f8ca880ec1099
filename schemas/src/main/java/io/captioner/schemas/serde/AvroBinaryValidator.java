package io.captioner.schemas.serde;

import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Walks one Avro binary datum against its writer schema without allocating anything it claims,
 * checking every length, count and index against the bytes actually present.
 *
 * <p>Avro's decoder allocates a claimed length before reading it, so a few hostile bytes could
 * request gigabytes; this pass runs first and turns such input into a precise error instead.
 */
final class AvroBinaryValidator {

    /** Most items a block of zero-width items (e.g. nulls) may claim; they cost no bytes. */
    static final long MAX_ZERO_WIDTH_ITEMS = 1_000_000;

    /** Invalid datum; {@link #truncated} tells a premature end from other damage. */
    static final class InvalidDatum extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean truncated;

        InvalidDatum(String message, boolean truncated) {
            super(message);
            this.truncated = truncated;
        }
    }

    private final byte[] data;
    private final int limit;
    private final Map<Schema, Boolean> zeroWidth = new IdentityHashMap<>();
    private int pos;

    private AvroBinaryValidator(byte[] data, int offset, int limit) {
        this.data = data;
        this.pos = offset;
        this.limit = limit;
    }

    /**
     * Validates the datum starting at {@code offset} and returns the offset just after it.
     *
     * @throws InvalidDatum if the bytes are not a datum of {@code schema}
     */
    static int validate(Schema schema, byte[] data, int offset) throws InvalidDatum {
        AvroBinaryValidator validator = new AvroBinaryValidator(data, offset, data.length);
        validator.walk(schema);
        return validator.pos;
    }

    private void walk(Schema schema) throws InvalidDatum {
        switch (schema.getType()) {
            case NULL:
                return;
            case BOOLEAN:
                need(1, "boolean");
                if (data[pos] != 0 && data[pos] != 1) {
                    throw malformed("boolean byte 0x%02x is neither 0 nor 1", data[pos] & 0xff);
                }
                pos++;
                return;
            case INT:
                readVarint(5, "int");
                return;
            case LONG:
                readVarint(10, "long");
                return;
            case FLOAT:
                skip(4, "float");
                return;
            case DOUBLE:
                skip(8, "double");
                return;
            case STRING:
            case BYTES:
                skipLengthPrefixed(schema.getType().getName());
                return;
            case FIXED:
                skip(schema.getFixedSize(), "fixed " + schema.getFullName());
                return;
            case ENUM:
                {
                    long index = readVarint(5, "enum index");
                    if (index < 0 || index >= schema.getEnumSymbols().size()) {
                        throw malformed(
                                "enum index %d out of range for %s with %d symbols",
                                index, schema.getFullName(), schema.getEnumSymbols().size());
                    }
                    return;
                }
            case UNION:
                {
                    long index = readVarint(5, "union index");
                    if (index < 0 || index >= schema.getTypes().size()) {
                        throw malformed(
                                "union index %d out of range for a union of %d branches",
                                index, schema.getTypes().size());
                    }
                    walk(schema.getTypes().get((int) index));
                    return;
                }
            case RECORD:
                for (Schema.Field field : schema.getFields()) {
                    walk(field.schema());
                }
                return;
            case ARRAY:
                walkBlocks(schema.getElementType(), false);
                return;
            case MAP:
                walkBlocks(schema.getValueType(), true);
                return;
            default:
                throw malformed("unsupported schema type %s", schema.getType());
        }
    }

    private void walkBlocks(Schema item, boolean map) throws InvalidDatum {
        String what = map ? "map" : "array";
        long total = 0;
        while (true) {
            long count = readVarint(10, what + " block count");
            if (count == 0) {
                return;
            }
            if (count < 0) {
                if (count == Long.MIN_VALUE) {
                    throw malformed("%s block count out of range", what);
                }
                count = -count;
                long size = readVarint(10, what + " block size");
                if (size < 0 || size > limit - pos) {
                    throw new InvalidDatum(
                            String.format(
                                    Locale.ROOT,
                                    "%s block of %d bytes exceeds the %d bytes left",
                                    what,
                                    size,
                                    limit - pos),
                            size >= 0);
                }
            }
            total += count;
            if (!map && isZeroWidth(item)) {
                if (total > MAX_ZERO_WIDTH_ITEMS) {
                    throw malformed(
                            "%s claims %d zero-width items, more than %d",
                            what, total, MAX_ZERO_WIDTH_ITEMS);
                }
            } else if (count > limit - pos) {
                // Every item needs at least one byte (a map entry at least its key's length).
                throw new InvalidDatum(
                        String.format(
                                Locale.ROOT,
                                "%s block claims %d items but only %d bytes are left",
                                what,
                                count,
                                limit - pos),
                        true);
            }
            for (long i = 0; i < count; i++) {
                if (map) {
                    skipLengthPrefixed("map key");
                }
                walk(item);
            }
        }
    }

    private boolean isZeroWidth(Schema schema) {
        Boolean known = zeroWidth.get(schema);
        if (known != null) {
            return known;
        }
        zeroWidth.put(schema, Boolean.FALSE); // recursion guard: recursive types are not zero-width
        boolean result;
        switch (schema.getType()) {
            case NULL:
                result = true;
                break;
            case FIXED:
                result = schema.getFixedSize() == 0;
                break;
            case RECORD:
                result = true;
                for (Schema.Field field : schema.getFields()) {
                    result &= isZeroWidth(field.schema());
                }
                break;
            default:
                result = false;
        }
        zeroWidth.put(schema, result);
        return result;
    }

    private void skipLengthPrefixed(String what) throws InvalidDatum {
        long length = readVarint(10, what + " length");
        if (length < 0) {
            throw malformed("negative %s length %d", what, length);
        }
        skip(length, what);
    }

    private void skip(long length, String what) throws InvalidDatum {
        if (length > limit - pos) {
            throw new InvalidDatum(
                    String.format(
                            Locale.ROOT,
                            "%s of %d bytes exceeds the %d bytes left",
                            what,
                            length,
                            limit - pos),
                    true);
        }
        pos += (int) length;
    }

    private void need(int length, String what) throws InvalidDatum {
        skip(length, what);
        pos -= length;
    }

    /** Reads a zig-zag varint of at most {@code maxBytes} bytes and returns its value. */
    private long readVarint(int maxBytes, String what) throws InvalidDatum {
        long raw = 0;
        for (int i = 0; i < maxBytes; i++) {
            if (pos >= limit) {
                throw new InvalidDatum("input ends inside " + what, true);
            }
            int b = data[pos++] & 0xff;
            raw |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                long value = (raw >>> 1) ^ -(raw & 1);
                if (maxBytes == 5 && (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)) {
                    throw malformed("%s %d does not fit an int", what, value);
                }
                return value;
            }
        }
        throw malformed("%s varint is longer than %d bytes", what, maxBytes);
    }

    private static InvalidDatum malformed(String format, Object... args) {
        return new InvalidDatum(String.format(Locale.ROOT, format, args), false);
    }
}
