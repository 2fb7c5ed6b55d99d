package io.warren.rar.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Field types in a content header's {@code headers} table that other AMQP 0-9-1 clients write and
 * the Java client cannot read, rewritten in place to the type it reads for the same bytes. py-amqp
 * (under kombu and Celery) writes every integer beyond 32 bits as {@code 'L'}, the original
 * specification's signed 64-bit tag; the Java client follows RabbitMQ's errata, where the same
 * value is {@code 'l'}, and fails the whole connection on an {@code 'L'}. Likewise {@code 'U'}
 * (signed 16-bit) is the errata's {@code 's'}. Only the tag byte changes, never a length, so a
 * frame keeps its size. A table this cannot read either is reported by {@link #read}, for
 * {@link UnreadableContent} to replace before the client fails the connection on it; so are the
 * fields of a readable table that only Warren's frame layer may write (see {@link #RESERVED}).
 */
final class HeaderTableTypes {

    private static final int BASIC_CLASS = 60;
    private static final int HEADERS_FLAG = 1 << 13;
    private static final int CONTENT_TYPE_FLAG = 1 << 15;
    private static final int CONTENT_ENCODING_FLAG = 1 << 14;
    /** Top-level field names a publisher may not write: what Warren believes of them only Warren says. */
    private static final byte[] RESERVED = UnreadableContent.HEADER.getBytes(StandardCharsets.US_ASCII);

    private HeaderTableTypes() {
    }

    /**
     * @param payload a content header frame's payload, changed in place
     * @return whether any tag was rewritten
     */
    static boolean rewrite(byte[] payload) {
        Layout layout = read(payload);
        return layout != null && layout.translated();
    }

    /**
     * Where a content header's parts lie, as far as the client's parser would get.
     *
     * @param bodySize the body size the header announces
     * @param headersAt where the headers table starts, or would be inserted when it is absent
     * @param headersEnd where the headers table ends, or -1 when it is absent
     * @param translated whether a tag was rewritten in place
     * @param unreadable why the client cannot read the headers table, or null when it can
     * @param reserved where the readable table's fields of a reserved name lie, in order
     */
    record Layout(long bodySize, int headersAt, int headersEnd, boolean translated, String unreadable,
                  List<Span> reserved) {
    }

    /** A field's bytes, name to end of value: {@code from} inclusive, {@code to} exclusive. */
    record Span(int from, int to) {
    }

    /**
     * Translates what it can in place and tells what it cannot.
     *
     * @param payload a content header frame's payload, changed in place
     * @return its layout, or null when it is not a basic content header the client would get as far as the table of
     */
    static Layout read(byte[] payload) {
        Cursor in = new Cursor(payload);
        long bodySize;
        int flags;
        int headersEnd;
        try {
            if (in.unsignedShort() != BASIC_CLASS) {
                return null;
            }
            in.skip(2); // weight
            bodySize = ((long) in.unsignedShort() << 48) | ((long) in.unsignedShort() << 32)
                    | ((long) in.unsignedShort() << 16) | in.unsignedShort();
            flags = in.unsignedShort();
            int word = flags;
            while ((word & 1) != 0) {
                word = in.unsignedShort();
            }
            if ((flags & CONTENT_TYPE_FLAG) != 0) {
                in.skip(in.unsignedByte());
            }
            if ((flags & CONTENT_ENCODING_FLAG) != 0) {
                in.skip(in.unsignedByte());
            }
            if ((flags & HEADERS_FLAG) == 0) {
                return new Layout(bodySize, in.position, -1, false, null, List.of());
            }
            int headersAt = in.position;
            headersEnd = in.sized();
            in.position = headersAt;
            try {
                headers(in);
            } catch (UnknownType e) {
                return new Layout(bodySize, headersAt, headersEnd, false, "its headers table holds a field of type "
                        + e.describe() + ", which no AMQP 0-9-1 client reads", List.of());
            } catch (IndexOutOfBoundsException e) {
                return new Layout(bodySize, headersAt, headersEnd, false,
                        "its headers table is malformed (a length past the table's end)", List.of());
            }
            if (in.position != headersEnd) {
                return new Layout(bodySize, headersAt, headersEnd, false,
                        "its headers table is malformed (a field runs past the table's end)", List.of());
            }
            // only once the whole table was understood: a frame is translated whole or not at all
            for (int i = 0; i < in.translations; i++) {
                int at = in.translated[i];
                payload[at] = payload[at] == 'L' ? (byte) 'l' : (byte) 's';
            }
            return new Layout(bodySize, headersAt, headersEnd, in.translations > 0, null, List.copyOf(in.reserved));
        } catch (IndexOutOfBoundsException e) {
            return null;
        }
    }

    /** The headers table itself: as any table, noting where its reserved fields lie. */
    private static void headers(Cursor in) {
        int end = in.sized();
        while (in.position < end) {
            int field = in.position;
            int nameLength = in.unsignedByte();
            boolean reserved = in.holds(RESERVED, nameLength);
            in.skip(nameLength);
            value(in);
            if (reserved) {
                in.reserved.add(new Span(field, in.position));
            }
        }
    }

    private static void table(Cursor in) {
        int end = in.sized();
        while (in.position < end) {
            in.skip(in.unsignedByte()); // the field's name
            value(in);
        }
    }

    private static void array(Cursor in) {
        int end = in.sized();
        while (in.position < end) {
            value(in);
        }
    }

    /** Reads one tagged value, noting its tag where the client lacks it. */
    private static void value(Cursor in) {
        int at = in.position;
        char type = (char) in.unsignedByte();
        switch (type) {
            case 'L' -> {
                in.translate(at);
                in.skip(8);
            }
            case 'U' -> {
                in.translate(at);
                in.skip(2);
            }
            case 'F' -> table(in);
            case 'A' -> array(in);
            case 'S', 'x' -> in.skip(in.sized() - in.position);
            case 't', 'b', 'B' -> in.skip(1);
            case 's', 'u' -> in.skip(2);
            case 'I', 'i', 'f' -> in.skip(4);
            case 'D' -> in.skip(5);
            case 'l', 'd', 'T' -> in.skip(8);
            case 'V' -> { }
            default -> throw new UnknownType(type);
        }
    }

    /** A tag neither rewritten nor known: the rest of the table cannot be walked. */
    private static final class UnknownType extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final char type;

        UnknownType(char type) {
            super(null, null, false, false);
            this.type = type;
        }

        String describe() {
            return type >= 0x21 && type < 0x7f ? "'" + type + "' (0x" + Integer.toHexString(type) + ")"
                    : "0x" + Integer.toHexString(type);
        }
    }

    private static final class Cursor {
        final byte[] bytes;
        int position;
        int[] translated = new int[8];
        int translations;
        final List<Span> reserved = new ArrayList<>(0);

        Cursor(byte[] bytes) {
            this.bytes = bytes;
        }

        void translate(int at) {
            if (translations == translated.length) {
                translated = Arrays.copyOf(translated, translations * 2);
            }
            translated[translations++] = at;
        }

        /** @return whether the next {@code length} bytes are {@code name} */
        boolean holds(byte[] name, int length) {
            return length == name.length && position + length <= bytes.length
                    && Arrays.equals(bytes, position, position + length, name, 0, length);
        }

        int unsignedByte() {
            return bytes[position++] & 0xff;
        }

        int unsignedShort() {
            return (unsignedByte() << 8) | unsignedByte();
        }

        /** Reads a 32-bit length and returns where what it measures ends. */
        int sized() {
            long length = ((long) unsignedShort() << 16) | unsignedShort();
            long end = position + length;
            if (end > bytes.length) {
                throw new IndexOutOfBoundsException("a length past the frame's end");
            }
            return (int) end;
        }

        void skip(int count) {
            if (count < 0 || position + count > bytes.length) {
                throw new IndexOutOfBoundsException("past the frame's end");
            }
            position += count;
        }
    }
}
