package io.warren.rar.config;

import java.util.Arrays;

/**
 * Field types in a content header's {@code headers} table that other AMQP 0-9-1 clients write and
 * the Java client cannot read, rewritten in place to the type it reads for the same bytes. py-amqp
 * (under kombu and Celery) writes every integer beyond 32 bits as {@code 'L'}, the original
 * specification's signed 64-bit tag; the Java client follows RabbitMQ's errata, where the same
 * value is {@code 'l'}, and fails the whole connection on an {@code 'L'}. Likewise {@code 'U'}
 * (signed 16-bit) is the errata's {@code 's'}. Only the tag byte changes, never a length, so a
 * frame keeps its size; a table this does not understand is left as it is, for the client to judge.
 */
final class HeaderTableTypes {

    private static final int BASIC_CLASS = 60;
    private static final int HEADERS_FLAG = 1 << 13;
    private static final int CONTENT_TYPE_FLAG = 1 << 15;
    private static final int CONTENT_ENCODING_FLAG = 1 << 14;

    private HeaderTableTypes() {
    }

    /**
     * @param payload a content header frame's payload, changed in place
     * @return whether any tag was rewritten
     */
    static boolean rewrite(byte[] payload) {
        Cursor in = new Cursor(payload);
        try {
            if (in.unsignedShort() != BASIC_CLASS) {
                return false;
            }
            in.skip(2 + 8); // weight, body size
            int flags = in.unsignedShort();
            int word = flags;
            while ((word & 1) != 0) {
                word = in.unsignedShort();
            }
            if ((flags & HEADERS_FLAG) == 0) {
                return false;
            }
            if ((flags & CONTENT_TYPE_FLAG) != 0) {
                in.skip(in.unsignedByte());
            }
            if ((flags & CONTENT_ENCODING_FLAG) != 0) {
                in.skip(in.unsignedByte());
            }
            table(in);
        } catch (IndexOutOfBoundsException | UnknownType e) {
            return false;
        }
        // only once the whole table was understood: a frame is translated whole or not at all
        for (int i = 0; i < in.translations; i++) {
            int at = in.translated[i];
            payload[at] = payload[at] == 'L' ? (byte) 'l' : (byte) 's';
        }
        return in.translations > 0;
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
            default -> throw new UnknownType();
        }
    }

    /** A tag neither rewritten nor known: the rest of the table cannot be walked. */
    private static final class UnknownType extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnknownType() {
            super(null, null, false, false);
        }
    }

    private static final class Cursor {
        final byte[] bytes;
        int position;
        int[] translated = new int[8];
        int translations;

        Cursor(byte[] bytes) {
            this.bytes = bytes;
        }

        void translate(int at) {
            if (translations == translated.length) {
                translated = Arrays.copyOf(translated, translations * 2);
            }
            translated[translations++] = at;
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
