package io.warren.rar.serialization;

import io.warren.WarrenException;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.brotli.dec.BrotliInputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAInputStream;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * kombu's compression methods, as its {@code compression} header names them (kombu's
 * {@code compression} module). The header holds a content type that does not always say what the
 * bytes are: kombu's {@code application/x-gzip} is a zlib stream (RFC 1950, Python's
 * {@code zlib.compress}), not gzip; {@code application/x-lzma} is an {@code .xz} container (Python's
 * {@code lzma.compress}), though the legacy {@code .lzma} format is read as well, as Python does.
 * {@code application/zstd} is one zstd frame that states its content size (python-zstandard's
 * {@code ZstdCompressor().compress}, which kombu calls; its {@code decompress} refuses frames
 * without it). {@code application/x-brotli} is read but not written: Java has no pure-Java brotli
 * encoder (org.brotli:dec is Google's decoder only), so asking to compress with brotli is an error
 * that names the methods Warren writes.
 */
public enum Compression {

    ZLIB("application/x-gzip", "zlib", "gzip") {
        @Override
        OutputStream compressing(OutputStream out) {
            // Python's zlib.compress default level
            return new DeflaterOutputStream(out, new Deflater(6), true);
        }

        @Override
        InputStream decompressing(InputStream in) {
            return new InflaterInputStream(in);
        }
    },
    BZIP2("application/x-bz2", "bzip2", "bzip") {
        @Override
        OutputStream compressing(OutputStream out) throws IOException {
            // Python's bz2.compress default block size
            return new BZip2CompressorOutputStream(out, 9);
        }

        @Override
        InputStream decompressing(InputStream in) throws IOException {
            return new BZip2CompressorInputStream(in, true);
        }
    },
    LZMA("application/x-lzma", "lzma", "xz") {
        @Override
        OutputStream compressing(OutputStream out) throws IOException {
            // Python's lzma.compress defaults: .xz container, preset 6, CRC64
            return new XZOutputStream(out, new LZMA2Options(6), XZ.CHECK_CRC64);
        }

        @Override
        InputStream decompressing(InputStream in) throws IOException {
            InputStream buffered = in.markSupported() ? in : new BufferedInputStream(in);
            buffered.mark(XZ.HEADER_MAGIC.length);
            byte[] magic = buffered.readNBytes(XZ.HEADER_MAGIC.length);
            buffered.reset();
            return Arrays.equals(magic, XZ.HEADER_MAGIC)
                    ? new XZInputStream(buffered, LZMA_MEMORY_LIMIT_KIB)
                    : new LZMAInputStream(buffered, LZMA_MEMORY_LIMIT_KIB);
        }
    },
    BROTLI("application/x-brotli", "brotli") {
        @Override
        InputStream decompressing(InputStream in) throws IOException {
            // a standard brotli window is at most 16 MiB, so the decoder's memory is bounded too
            return new BrotliInputStream(in);
        }
    },
    ZSTD("application/zstd", "zstd", "zstandard") {
        @Override
        public byte[] compress(byte[] body) {
            try {
                // the one-shot API writes the content size into the frame, which python-zstandard needs
                return Zstd.compress(body, ZSTD_LEVEL);
            } catch (LinkageError e) {
                throw ZstdLibrary.unavailable(e);
            }
        }

        @Override
        InputStream decompressing(InputStream in) throws IOException {
            try {
                // zstd's own cap on the window (2^27, 128 MiB) bounds the decoder's memory
                return new ZstdInputStreamNoFinalizer(in);
            } catch (LinkageError e) {
                throw ZstdLibrary.unavailable(e);
            }
        }
    };

    /** python-zstandard's default level, which kombu uses. */
    private static final int ZSTD_LEVEL = 3;

    /**
     * What a decoder may allocate for its dictionary: Python's strongest preset needs 64 MiB, so
     * this refuses only bodies crafted to make the decoder allocate more.
     */
    private static final int LZMA_MEMORY_LIMIT_KIB = 96 * 1024;

    private final String contentType;
    private final List<String> names;

    Compression(String contentType, String... names) {
        this.contentType = contentType;
        this.names = List.of(names);
    }

    /** @return the value of kombu's {@code compression} header for this method */
    public String contentType() {
        return contentType;
    }

    /** @return the name kombu's {@code Producer.publish(compression=...)} knows it by */
    public String kombuName() {
        return names.get(0);
    }

    /** @return whether Warren can decompress it: all of kombu's methods */
    public boolean supported() {
        return true;
    }

    /** @return whether Warren can also compress with it: all but brotli */
    public boolean compresses() {
        return this != BROTLI;
    }

    /**
     * @param nameOrContentType a kombu name ({@code zlib}, {@code bzip2}, {@code lzma}...) or the
     *     content type of its {@code compression} header
     * @return the method, or null when kombu knows none of that name
     */
    public static Compression find(String nameOrContentType) {
        if (nameOrContentType == null) {
            return null;
        }
        String key = nameOrContentType.trim().toLowerCase(Locale.ROOT);
        for (Compression compression : values()) {
            if (compression.contentType.equals(key) || compression.names.contains(key)) {
                return compression;
            }
        }
        return null;
    }

    /**
     * @param nameOrContentType what a producer or message asked for, or null for none
     * @return the method to compress with, or null for none
     * @throws WarrenException naming the supported methods when it is unknown or unsupported
     */
    public static Compression forPublishing(String nameOrContentType) {
        if (nameOrContentType == null) {
            return null;
        }
        Compression compression = find(nameOrContentType);
        if (compression == null || !compression.compresses()) {
            throw new WarrenException("Compression '" + nameOrContentType + "' is "
                    + (compression == null ? "unknown" : "read but not written by Warren (there is no pure-Java "
                    + compression.kombuName() + " encoder)") + "; Warren compresses with " + compressingNames());
        }
        return compression;
    }

    /** @return what the methods Warren decompresses are called, for error messages */
    public static String supportedNames() {
        return Arrays.stream(values()).filter(Compression::supported)
                .map(c -> c.kombuName() + " (" + c.contentType + ")").toList().toString();
    }

    /** @return what the methods Warren compresses with are called, for error messages */
    public static String compressingNames() {
        return Arrays.stream(values()).filter(Compression::compresses)
                .map(c -> c.kombuName() + " (" + c.contentType + ")").toList().toString();
    }

    /**
     * @return the body compressed as kombu would
     * @throws UnsupportedOperationException for brotli, which Warren only reads
     */
    public byte[] compress(byte[] body) {
        if (!compresses()) {
            throw new UnsupportedOperationException("compression " + kombuName() + " (" + contentType
                    + ") is read but not written by Warren; it compresses with " + compressingNames());
        }
        ByteArrayOutputStream compressed = new ByteArrayOutputStream(Math.max(64, body.length / 4));
        try (OutputStream out = compressing(compressed)) {
            out.write(body);
        } catch (IOException e) {
            throw new IllegalStateException(kombuName() + " could not compress " + body.length + " bytes", e);
        }
        return compressed.toByteArray();
    }

    /**
     * Decompresses without ever holding more than {@code limit} bytes of output.
     *
     * @throws LimitExceededException when the body inflates past the limit
     * @throws IOException when the body is not of this method
     */
    public byte[] decompress(byte[] body, int limit) throws IOException {
        ByteArrayOutputStream plain = new ByteArrayOutputStream(Math.min(limit, Math.max(256, body.length * 4)));
        byte[] chunk = new byte[8192];
        try (InputStream in = decompressing(new ByteArrayInputStream(body))) {
            int read;
            while ((read = in.read(chunk, 0, (int) Math.min(chunk.length, (long) limit - plain.size() + 1))) > 0) {
                if (plain.size() + read > limit) {
                    throw new LimitExceededException(limit);
                }
                plain.write(chunk, 0, read);
            }
        }
        return plain.toByteArray();
    }

    OutputStream compressing(OutputStream out) throws IOException {
        throw new UnsupportedOperationException(name());
    }

    InputStream decompressing(InputStream in) throws IOException {
        throw new UnsupportedOperationException(name());
    }

    /** A compressed body that would inflate past the allowed size. */
    public static final class LimitExceededException extends IOException {
        private static final long serialVersionUID = 1L;

        LimitExceededException(int limit) {
            super("it inflates to more than " + limit + " bytes");
        }
    }
}
