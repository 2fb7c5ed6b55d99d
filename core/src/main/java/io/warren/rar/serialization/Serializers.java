package io.warren.rar.serialization;

import io.warren.DecodeException;
import io.warren.Serializer;
import io.warren.TypeRef;
import io.warren.WarrenException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The serializers known to one adapter instance: json, text and raw, kombu's {@code application/data},
 * {@code application/text} and {@code msgpack}, plus those found with {@link ServiceLoader}. Found
 * by name ({@code json}) or content type ({@code application/json}). Bodies compressed as kombu
 * compresses them are decompressed first, up to {@link #maxDecompressedBytes()}. As in kombu,
 * msgpack is off the default accept list ({@link #defaultAccepted()}): a consumer names it to take it.
 */
public final class Serializers {

    private static final Logger LOG = Logger.getLogger(Serializers.class.getName());

    /**
     * The content type of a body published raw without one, and what a received message without one
     * is read as ({@link #mediaTypeOf}).
     */
    public static final String OCTET_STREAM = "application/octet-stream";

    /** Content types a consumer takes only when its accept list names them, as kombu disables them. */
    private static final Set<String> OPT_IN = Set.of(MsgpackSerializer.CONTENT_TYPE);

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
                new ApplicationTextSerializer(), new MsgpackSerializer());
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
        if (encoding == null && (serializer instanceof MsgpackSerializer
                || serializer instanceof DataSerializer && payload instanceof byte[])) {
            // kombu reads application/data and msgpack's strings as text unless the body is marked binary
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
     * @param media a media type a consumer did not accept
     * @return how to accept it when it is off the default accept list only, else empty
     */
    public static String optInHint(String media) {
        return OPT_IN.contains(media) ? "; like kombu, Warren takes " + media + " only when the accept list names "
                + "it, e.g. accept=json,msgpack" : "";
    }

    /**
     * @return what a consumer without an accept list takes: every content type that has a
     *     serializer but msgpack, which kombu too leaves off until a consumer names it
     */
    public Set<String> defaultAccepted() {
        Set<String> accepted = new LinkedHashSet<>(byContentType.keySet());
        accepted.removeAll(OPT_IN);
        return Set.copyOf(accepted);
    }

    /**
     * Decodes a body for a consumer that accepts only some content types.
     *
     * @param accepted the consumer's accepted media types; empty accepts every known one
     */
    public <T> T decode(byte[] body, String contentType, String contentEncoding, Class<T> type, Set<String> accepted) {
        if (type == byte[].class) {
            return type.cast(body.clone());
        }
        String encoding = contentEncoding != null ? contentEncoding : charsetParameter(contentType);
        return decodeWith(body, contentType, type.getName(), accepted,
                serializer -> serializer.decode(body, encoding, type));
    }

    /**
     * Decodes a body to a generic type for a consumer that accepts only some content types.
     *
     * @param accepted the consumer's accepted media types; empty accepts every known one
     */
    @SuppressWarnings("unchecked")
    public <T> T decode(byte[] body, String contentType, String contentEncoding, TypeRef<T> type, Set<String> accepted) {
        if (type.type() == byte[].class) {
            return (T) body.clone();
        }
        String encoding = contentEncoding != null ? contentEncoding : charsetParameter(contentType);
        return decodeWith(body, contentType, type.type().getTypeName(), accepted,
                serializer -> serializer.decode(body, encoding, type));
    }

    private <T> T decodeWith(byte[] body, String contentType, String typeName, Set<String> accepted,
                             Function<Serializer, T> decoding) {
        String media = mediaTypeOf(contentType);
        if (!accepted.isEmpty() && !accepted.contains(media)) {
            throw new DecodeException("Content type '" + media + "' is not accepted by this consumer (accepted: "
                    + accepted + optInHint(media) + "); it cannot become " + typeName, media, null);
        }
        Serializer serializer = byContentType.get(media);
        if (serializer == null) {
            throw new DecodeException("No serializer for content type '" + media + "' to decode "
                    + typeName + " (known: " + byContentType.keySet() + "); ask for byte[] to read it raw",
                    media, null);
        }
        try {
            return decoding.apply(serializer);
        } catch (RuntimeException e) {
            throw new DecodeException("A body of content type '" + media + "' (" + body.length
                    + " bytes) does not decode to " + typeName + ": " + firstLine(e), media, e);
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
     * Decodes a body that may be compressed as kombu compresses it, to a generic type.
     *
     * @see #decode(byte[], String, String, String, Class, Set)
     */
    public <T> T decode(byte[] body, String contentType, String contentEncoding, String compression,
                        TypeRef<T> type, Set<String> accepted) {
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
        if (method == null) {
            throw new DecodeException("A body of content type '" + media + "' is compressed with '" + compression
                    + "' (header 'compression'), which Warren does not know; supported are "
                    + Compression.supportedNames(), media, null);
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
