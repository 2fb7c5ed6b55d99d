package io.warren.rar.config;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A content header the Java client would fail the whole connection on (a headers table it cannot
 * read, a body over its limit), turned into one it reads that says why in {@link #HEADER}. The
 * client fails the connection, not the delivery, so the broker would redeliver the same message to
 * the next connection, forever; rewritten, the delivery reaches the consumer's settlement like any
 * other and is dead-lettered there with the reason, while the connection and its other consumers
 * go on.
 */
public final class UnreadableContent {

    /** Why Warren could not read a delivery; set by Warren's frame layer, never by Warren's publishers. */
    public static final String HEADER = "x-warren-unreadable";

    private static final int BODY_SIZE_AT = 4;
    private static final int FLAGS_AT = 12;
    private static final int HEADERS_FLAG_IN_FIRST_BYTE = 1 << 5;

    private UnreadableContent() {
    }

    /**
     * @param payload the client's readable payload, and the body bytes to skip without handing them on
     */
    record Replacement(byte[] payload, long skippedBody) {
    }

    /**
     * @param payload a content header frame's payload; a readable table's tags are translated in place
     * @param maxBodySize the largest body the client is to read
     * @return what to hand the client instead, or null when it reads the payload as it is
     */
    static Replacement replace(byte[] payload, long maxBodySize) {
        HeaderTableTypes.Layout layout = HeaderTableTypes.read(payload);
        if (layout == null) {
            return null;
        }
        boolean oversized = layout.bodySize() > maxBodySize;
        if (layout.unreadable() == null && !oversized) {
            return null;
        }
        String reason = oversized
                ? "its body of " + layout.bodySize() + " bytes is over maxInboundMessageBodySize ("
                        + maxBodySize + " bytes); Warren skipped the body unread"
                : layout.unreadable() + "; Warren dropped the headers";
        if (oversized && layout.unreadable() != null) {
            reason += "; also " + layout.unreadable();
        }
        byte[] field = field(reason);
        int at = layout.headersAt();
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + field.length + 4);
        out.write(payload, 0, at);
        int rest;
        if (layout.headersEnd() < 0) {
            out.writeBytes(length(field.length));
            out.writeBytes(field);
            rest = at;
        } else if (layout.unreadable() != null) {
            out.writeBytes(length(field.length));
            out.writeBytes(field);
            rest = layout.headersEnd();
        } else {
            // a readable table keeps its fields: only the reason is added
            int fields = layout.headersEnd() - at - 4;
            out.writeBytes(length(fields + field.length));
            out.write(payload, at + 4, fields);
            out.writeBytes(field);
            rest = layout.headersEnd();
        }
        out.write(payload, rest, payload.length - rest);
        byte[] replaced = out.toByteArray();
        replaced[FLAGS_AT] |= HEADERS_FLAG_IN_FIRST_BYTE;
        if (oversized) {
            ByteBuffer.wrap(replaced).putLong(BODY_SIZE_AT, 0);
        }
        return new Replacement(replaced, oversized ? layout.bodySize() : 0);
    }

    /** @return {@link #HEADER} with the reason, as a table field: short name, 'S', long string */
    private static byte[] field(String reason) {
        byte[] name = HEADER.getBytes(StandardCharsets.US_ASCII);
        byte[] value = reason.getBytes(StandardCharsets.UTF_8);
        ByteBuffer field = ByteBuffer.allocate(1 + name.length + 1 + 4 + value.length);
        field.put((byte) name.length).put(name).put((byte) 'S').putInt(value.length).put(value);
        return field.array();
    }

    private static byte[] length(int length) {
        return ByteBuffer.allocate(4).putInt(length).array();
    }
}
