package io.warren.rar.serialization;

import io.warren.DecodeException;
import io.warren.WarrenException;
import io.warren.rar.harness.Broker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.DeflaterOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kombu's compression methods in Warren; the round trips with a real kombu are in KombuInteropTest. */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class CompressionTest {

    private static final int MIB = 1024 * 1024;
    private final Serializers serializers = Serializers.builtIn();

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"ZLIB", "BZIP2", "LZMA", "ZSTD"})
    void aCompressedJsonBodyDecodesAsThePlainOne(Compression compression) {
        byte[] json = "{\"name\":\"Zoë\",\"sizes\":[1,2,3]}".repeat(50).replace("}{", "},{")
                .transform(text -> ("[" + text + "]").getBytes(StandardCharsets.UTF_8));
        byte[] compressed = compression.compress(json);
        assertTrue(compressed.length < json.length, compression + " compresses");
        Object decoded = serializers.decode(compressed, "application/json", "utf-8", compression.contentType(),
                Object.class, Set.of());
        assertEquals(serializers.decode(json, "application/json", "utf-8", Object.class, Set.of()), decoded);
    }

    @Test
    void kombusGzipIsAZlibStreamAndItsLzmaAnXzContainer() {
        byte[] body = "kombu".getBytes(StandardCharsets.UTF_8);
        assertEquals((byte) 0x78, Compression.ZLIB.compress(body)[0], "zlib header, not gzip's 1f 8b");
        assertArrayEquals(new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0},
                Arrays.copyOf(Compression.LZMA.compress(body), 6), ".xz magic");
        assertArrayEquals(new byte[] {'B', 'Z', 'h', '9'}, Arrays.copyOf(Compression.BZIP2.compress(body), 4));
    }

    @Test
    void warrensZstdFrameStatesItsContentSizeAsPythonZstandardNeeds() {
        byte[] body = "kombu".repeat(100).getBytes(StandardCharsets.UTF_8);
        byte[] frame = Compression.ZSTD.compress(body);
        assertArrayEquals(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}, Arrays.copyOf(frame, 4), "zstd magic");
        assertEquals(body.length, com.github.luben.zstd.Zstd.getFrameContentSize(frame),
                "python-zstandard's decompress() refuses a frame without its content size");
    }

    @Test
    void brotliAsPythonWritesItIsReadAndItsLimitHeld() {
        // Python's brotli.compress of a small JSON object, and of 1 MiB and 2 MiB of zeros
        byte[] json = Base64.getDecoder().decode("Cw+AeyJuYW1lIjoiWm/DqyIsInNpemVzIjpbMSwyLDNdfQM=");
        byte[] oneMib = Base64.getDecoder().decode("W///j38CIB4LBHLvHwA=");
        byte[] twoMib = Base64.getDecoder().decode("m///H/gnAOKxQCD3/gM=");
        assertEquals(Map.of("name", "Zoë", "sizes", List.of(1, 2, 3)), serializers.decode(json, "application/json",
                "utf-8", "application/x-brotli", Map.class, Set.of()));
        Serializers limited = serializers.withMaxDecompressedBytes(MIB);
        assertArrayEquals(new byte[MIB], limited.decompress(oneMib, null, "brotli"), "exactly the limit is allowed");
        DecodeException refused = assertThrows(DecodeException.class,
                () -> limited.decompress(twoMib, "application/data", "application/x-brotli"));
        assertTrue(refused.getMessage().contains("maxDecompressedBytes (1048576)")
                && refused.getMessage().contains("brotli"), refused.getMessage());
    }

    @Test
    void warrenDoesNotCompressWithBrotliAndSaysWhatItCompressesWith() {
        assertTrue(Compression.BROTLI.supported() && !Compression.BROTLI.compresses());
        WarrenException refused = assertThrows(WarrenException.class, () -> Compression.forPublishing("brotli"));
        assertTrue(refused.getMessage().contains("'brotli' is read but not written by Warren")
                && refused.getMessage().contains("zstd (application/zstd)")
                && !refused.getMessage().contains("brotli (application/x-brotli)"), refused.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> Compression.BROTLI.compress(new byte[1]));
    }

    @Test
    void theLegacyLzmaFormatIsReadAsPythonReadsIt() throws IOException {
        byte[] body = "legacy .lzma".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream legacy = new ByteArrayOutputStream();
        try (OutputStream out = new LZMAOutputStream(legacy, new LZMA2Options(), -1)) {
            out.write(body);
        }
        assertArrayEquals(body, serializers.decompress(legacy.toByteArray(), "text/plain", "application/x-lzma"));
    }

    @Test
    void kombusAliasesAndHeaderValuesFindTheSameMethod() {
        assertEquals(Compression.ZLIB, Compression.find("gzip"));
        assertEquals(Compression.ZLIB, Compression.find("application/x-gzip"));
        assertEquals(Compression.BZIP2, Compression.find("bzip"));
        assertEquals(Compression.LZMA, Compression.find("xz"));
        assertEquals(Compression.ZSTD, Compression.find("zstandard"));
        assertNull(Compression.find("snappy"));
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"ZLIB", "BZIP2", "LZMA", "ZSTD"})
    void aBodyInflatingPastTheLimitIsRefusedNamingTheLimit(Compression compression) {
        byte[] compressed = compression.compress(new byte[2 * MIB]);
        Serializers limited = serializers.withMaxDecompressedBytes(MIB);
        DecodeException refused = assertThrows(DecodeException.class,
                () -> limited.decode(compressed, "application/json", null, compression.contentType(), Map.class, Set.of()));
        assertTrue(refused.getMessage().contains("maxDecompressedBytes (1048576)"), refused.getMessage());
        assertTrue(refused.getMessage().contains(compression.kombuName()), refused.getMessage());
        assertArrayEquals(new byte[MIB], limited.decompress(compression.compress(new byte[MIB]), null,
                compression.contentType()), "exactly the limit is allowed");
    }

    @Test
    void theDefaultLimitIs64MibAndABombBeyondItIsRefusedWithoutRunningOutOfMemory() throws IOException {
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (OutputStream out = new DeflaterOutputStream(bomb)) {
            byte[] zeros = new byte[MIB];
            for (int i = 0; i < 1024; i++) {
                out.write(zeros);          // 1 GiB of zeros, about 1 MiB compressed
            }
        }
        assertEquals(64 * MIB, serializers.maxDecompressedBytes());
        DecodeException refused = assertThrows(DecodeException.class,
                () -> serializers.decompress(bomb.toByteArray(), "application/json", "zlib"));
        assertTrue(refused.getMessage().contains("more than 67108864 bytes"), refused.getMessage());
    }

    @Test
    void unknownAndCorruptCompressionsAreRefusedNamingThem() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        DecodeException unknown = assertThrows(DecodeException.class,
                () -> serializers.decode(body, "application/json", null, "application/snappy", Map.class, Set.of()));
        assertTrue(unknown.getMessage().contains("'application/snappy'") && unknown.getMessage().contains("does not know"),
                unknown.getMessage());
        assertTrue(unknown.getMessage().contains("brotli (application/x-brotli)")
                && unknown.getMessage().contains("zstd (application/zstd)"), unknown.getMessage());
        DecodeException zstd = assertThrows(DecodeException.class,
                () -> serializers.decode(body, "application/json", null, "application/zstd", Map.class, Set.of()));
        assertTrue(zstd.getMessage().contains("does not decompress with zstd"), zstd.getMessage());
        DecodeException corrupt = assertThrows(DecodeException.class,
                () -> serializers.decode(body, "application/json", null, "application/x-bz2", Map.class, Set.of()));
        assertTrue(corrupt.getMessage().contains("does not decompress with bzip2"), corrupt.getMessage());
        assertEquals("application/json", corrupt.contentType());
    }

    @Test
    void publishingWithAnUnknownCompressionNamesTheSupportedOnes() {
        WarrenException error = assertThrows(WarrenException.class, () -> Compression.forPublishing("snappy"));
        assertTrue(error.getMessage().contains("'snappy' is unknown"), error.getMessage());
        assertTrue(error.getMessage().contains("zlib (application/x-gzip), bzip2 (application/x-bz2), lzma"),
                error.getMessage());
        assertEquals(Compression.ZSTD, Compression.forPublishing("zstandard"));
    }
}
