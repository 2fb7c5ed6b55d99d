package io.warren.rar.serialization;

import io.warren.DecodeException;
import io.warren.Serializer;
import io.warren.WarrenException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The serializers known to one adapter instance: json, text and raw, kombu's {@code application/data}
 * and {@code application/text}, plus those found with {@link ServiceLoader}. Found by name
 * ({@code json}) or content type ({@code application/json}). Bodies compressed as kombu compresses
 * them are decompressed first, up to {@link #maxDecompressedBytes()}.
 */
public final class Serializers {

    private static final Logger LOG = Logger.getLogger(Serializers.class.getName());

    /**
     * The content type of a body published raw without one, and what a received message without one
     * is read as ({@link #mediaTypeOf}).
     */
    public static final String OCTET_STREAM = "application/octet-stream";

    /** How far a compressed body may inflate unless configured otherwise: 64 MiB. */
    public static final int DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

    private final Map<String, Serializer> byName;
    private final Map<String, Serializer> byContentType;
    private final int maxDecompressedBytes;

    /**
     * @param builtIn json, text, raw and kombu's data and application/text
     * @param registered found on class paths, the first of a name or content type winning; one
     *     with a built-in's name or content type replaces that built-in
     */
    private Serializers(Collection<Serializer> builtIn, Collection<Serializer> registered) {
        byName = new LinkedHashMap<>();
        byContentType = new LinkedHashMap<>();
        maxDecompressedBytes = DEFAULT_MAX_DECOMPRESSED_BYTES;
        for (Serializer serializer : builtIn) {
            boolean replaced = registered.stream().anyMatch(other -> other.name().equalsIgnoreCase(serializer.name())
                    || mediaType(other.contentType()).equals(mediaType(serializer.contentType())));
            if (!replaced) {
                add(serializer);
            }
        }
        registered.forEach(this::add);
    }

    private void add(Serializer serializer) {
        byName.putIfAbsent(serializer.name().toLowerCase(Locale.ROOT), serializer);
        byContentType.putIfAbsent(mediaType(serializer.contentType()), serializer);
    }

    private static List<Serializer> builtInList() {
        return List.of(new JsonSerializer(), new TextSerializer(), new RawSerializer(), new DataSerializer(),
                new ApplicationTextSerializer());
    }

    private Serializers(Serializers same, int maxDecompressedBytes) {
        this.byName = same.byName;
        this.byContentType = same.byContentType;
        this.maxDecompressedBytes = maxDecompressedBytes;
    }

    /**
     * @param limit how many bytes a compressed body may inflate to before it is refused
     * @return the same serializers with that limit
     */
    public Serializers withMaxDecompressedBytes(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the decompression limit must be positive, not " + limit);
        }
        return limit == maxDecompressedBytes ? this : new Serializers(this, limit);
    }

    /** @return how many bytes a compressed body may inflate to */
    public int maxDecompressedBytes() {
        return maxDecompressedBytes;
    }

    /** @return the built-in serializers only */
    public static Serializers builtIn() {
        return new Serializers(builtInList(), List.of());
    }

    /**
     * @param loaders searched in order (the application's first), each one's services file naming
     *     serializers; one registered under a built-in's name or content type replaces it
     * @return the built-in serializers and those the class loaders' service files name
     */
    public static Serializers load(ClassLoader... loaders) {
        List<Serializer> all = new ArrayList<>();
        for (ClassLoader loader : loaders) {
            if (loader == null) {
                continue;
            }
            try {
                ServiceLoader.load(Serializer.class, loader).forEach(all::add);
            } catch (ServiceConfigurationError e) {
                LOG.warning("A serializer named in META-INF/services/io.warren.Serializer could not be loaded: "
                        + e.getMessage());
            }
        }
        return new Serializers(builtInList(), all);
    }

    /**
     * @param nameOrContentType {@code json}, {@code text}, {@code raw}, a registered name or content type
     * @throws WarrenException naming the known serializers when there is no such one
     */
    public Serializer get(String nameOrContentType) {
        String key = nameOrContentType == null ? "" : nameOrContentType.trim().toLowerCase(Locale.ROOT);
        Serializer serializer = byName.get(key);
        if (serializer == null) {
            serializer = byContentType.get(mediaType(key));
        }
        if (serializer == null) {
            throw new WarrenException("Unknown serializer '" + nameOrContentType + "': known are "
                    + byName.keySet() + " and content types " + byContentType.keySet()
                    + "; register others in META-INF/services/io.warren.Serializer");
        }
        return serializer;
    }

    /**
     * Encodes a payload for publishing: a {@code byte[]} as it is unless a serializer is named for
     * the message itself, anything else with the message's serializer or the producer's.
     */
    public Encoded encode(Object payload, String messageSerializer, String producerSerializer,
                          String contentType, String contentEncoding) {
        if (payload instanceof byte[] bytes && messageSerializer == null) {
            String type = contentType != null ? contentType : OCTET_STREAM;
            boolean kombuData = contentEncoding == null && DataSerializer.CONTENT_TYPE.equals(mediaType(type));
            return new Encoded(bytes, type, kombuData ? DataSerializer.BINARY : contentEncoding);
        }
        Serializer serializer = get(messageSerializer != null ? messageSerializer : producerSerializer);
        String encoding = contentEncoding;
        if (encoding == null && serializer instanceof DataSerializer && payload instanceof byte[]) {
            // kombu reads application/data as text unless it is marked binary
            encoding = DataSerializer.BINARY;
        } else if (encoding == null && !(serializer instanceof RawSerializer)) {
            encoding = "utf-8";
        }
        return new Encoded(serializer.encode(payload, encoding), serializer.contentType(), encoding);
    }

    /** An encoded body with the content type and encoding to send it with. */
    public record Encoded(byte[] body, String contentType, String contentEncoding) {
    }

    /** @return the content types that have a serializer */
    public Set<String> contentTypes() {
        return Set.copyOf(byContentType.keySet());
    }

    /**
     * Decodes a body for a consumer that accepts only some content types.
     *
     * @param accepted the consumer's accepted media types; empty accepts every known one
     */
    public <T> T decode(byte[] body, String contentType, String contentEncoding, Class<T> type, Set<String> accepted) {
        String media = mediaTypeOf(contentType);
        if (type == byte[].class) {
            return type.cast(body.clone());
        }
        if (!accepted.isEmpty() && !accepted.contains(media)) {
            throw new DecodeException("Content type '" + media + "' is not accepted by this consumer (accepted: "
                    + accepted + "); it cannot become " + type.getName(), media, null);
        }
        Serializer serializer = byContentType.get(media);
        if (serializer == null) {
            throw new DecodeException("No serializer for content type '" + media + "' to decode "
                    + type.getName() + " (known: " + byContentType.keySet() + "); ask for byte[] to read it raw",
                    media, null);
        }
        String encoding = contentEncoding != null ? contentEncoding : charsetParameter(contentType);
        try {
            return serializer.decode(body, encoding, type);
        } catch (RuntimeException e) {
            throw new DecodeException("A body of content type '" + media + "' (" + body.length
                    + " bytes) does not decode to " + type.getName() + ": " + firstLine(e), media, e);
        }
    }

    /**
     * Decodes a body that may be compressed as kombu compresses it.
     *
     * @param compression the message's {@code compression} header, or null when the body is not compressed
     * @see #decode(byte[], String, String, Class, Set)
     */
    public <T> T decode(byte[] body, String contentType, String contentEncoding, String compression,
                        Class<T> type, Set<String> accepted) {
        byte[] plain = compression == null ? body : decompress(body, contentType, compression);
        return decode(plain, contentType, contentEncoding, type, accepted);
    }

    /**
     * Undoes kombu's compression, never holding more than {@link #maxDecompressedBytes()}.
     *
     * @param compression the message's {@code compression} header
     * @throws DecodeException naming the compression when it is unknown, unsupported, not what
     *     the body holds, or when the body inflates past the limit
     */
    public byte[] decompress(byte[] body, String contentType, String compression) {
        String media = mediaTypeOf(contentType);
        Compression method = Compression.find(compression);
        if (method == null || !method.supported()) {
            throw new DecodeException("A body of content type '" + media + "' is compressed with '" + compression
                    + "' (header 'compression'), which Warren " + (method == null ? "does not know" : "does not support")
                    + "; supported are " + Compression.supportedNames(), media, null);
        }
        try {
            return method.decompress(body, maxDecompressedBytes);
        } catch (Compression.LimitExceededException e) {
            throw new DecodeException("A body of content type '" + media + "' compressed with " + method.kombuName()
                    + " (" + body.length + " bytes) was refused: " + e.getMessage() + ", the limit set by "
                    + "maxDecompressedBytes (" + maxDecompressedBytes + ")", media, e);
        } catch (IOException | RuntimeException e) {
            throw new DecodeException("A body of content type '" + media + "' (" + body.length + " bytes) does not "
                    + "decompress with " + method.kombuName() + " (" + method.contentType() + "): " + firstLine(e),
                    media, e);
        }
    }

    /**
     * What a received message's content type means, the one reading of it for every path (the
     * admission against {@code accept} and {@code Message.payload}): a message whose content type is
     * missing, empty or blank (some clients send {@code ""} for none), or names parameters only, has
     * none, and its body is bytes as they are.
     *
     * @param contentType as received, or null
     * @return its media type as {@link #mediaType} gives it, or {@link #OCTET_STREAM} when it names none
     */
    public static String mediaTypeOf(String contentType) {
        String media = contentType == null ? "" : mediaType(contentType);
        return media.isEmpty() ? OCTET_STREAM : media;
    }

    /** @return the media type without parameters, lower case: {@code application/json} */
    public static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private static String charsetParameter(String contentType) {
        if (contentType == null) {
            return null;
        }
        for (String parameter : contentType.split(";")) {
            String[] pair = parameter.trim().split("=", 2);
            if (pair.length == 2 && pair[0].trim().equalsIgnoreCase("charset")) {
                return pair[1].trim().replace("\"", "");
            }
        }
        return null;
    }

    private static String firstLine(Throwable e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        String message = String.valueOf(cause.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
