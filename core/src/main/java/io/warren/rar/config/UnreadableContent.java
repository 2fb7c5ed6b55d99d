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

    /**
     * Why Warren could not read a delivery. Set by Warren's frame layer alone: the same layer drops the
     * field from every headers table it lets through, so a publisher cannot have a message
     * dead-lettered unread by writing it.
     */
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
        if (layout.unreadable() == null && !oversized && layout.reserved().isEmpty()) {
            return null;
        }
        String reason = null;
        if (oversized) {
            reason = "its body of " + layout.bodySize() + " bytes is over maxInboundMessageBodySize ("
                    + maxBodySize + " bytes); Warren skipped the body unread"
                    + (layout.unreadable() == null ? "" : "; also " + layout.unreadable());
        } else if (layout.unreadable() != null) {
            reason = layout.unreadable() + "; Warren dropped the headers";
        }
        byte[] field = reason == null ? new byte[0] : field(reason);
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
            // a readable table keeps its fields but the publisher's HEADER, which would otherwise have its
            // message dead-lettered unread; only the frame layer's own reason reaches the consumer
            byte[] fields = withoutReserved(payload, at + 4, layout);
            out.writeBytes(length(fields.length + field.length));
            out.writeBytes(fields);
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

    /** @return the readable table's fields from {@code from} on, less those of a reserved name */
    private static byte[] withoutReserved(byte[] payload, int from, HeaderTableTypes.Layout layout) {
        ByteArrayOutputStream fields = new ByteArrayOutputStream(layout.headersEnd() - from);
        int next = from;
        for (HeaderTableTypes.Span reserved : layout.reserved()) {
            fields.write(payload, next, reserved.from() - next);
            next = reserved.to();
        }
        fields.write(payload, next, layout.headersEnd() - next);
        return fields.toByteArray();
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
