package io.warren;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * A generic type to decode a payload to, captured by subclassing, so that a list of records or a
 * map decodes without casts (the API needs no JSON library for it):
 *
 * <pre>{@code
 * List<Order> orders = message.payload(new TypeRef<List<Order>>() { });
 * Map<String, Instant> due = message.payload(new TypeRef<Map<String, Instant>>() { });
 * }</pre>
 *
 * A type built elsewhere, such as Jackson's {@code JavaType} (a {@link Type} too), is wrapped with
 * {@link #of(Type)}. Equal when the types are.
 *
 * @param <T> the type to decode to
 */
public abstract class TypeRef<T> {

    private final Type type;

    /** Captures the type argument of the anonymous subclass: {@code new TypeRef<List<Order>>() { }}. */
    protected TypeRef() {
        Type superclass = getClass().getGenericSuperclass();
        if (!(superclass instanceof ParameterizedType parameterized) || parameterized.getRawType() != TypeRef.class) {
            throw new IllegalArgumentException("Create a TypeRef as new TypeRef<List<Order>>() { }, naming the "
                    + "type in the angle brackets; " + getClass().getName() + " does not say which type it is");
        }
        this.type = parameterized.getActualTypeArguments()[0];
    }

    private TypeRef(Type type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    /**
     * Wraps a type built at run time; the caller vouches that it is {@code T}.
     *
     * @param type the type, such as a Jackson {@code JavaType} or a {@link ParameterizedType}
     * @param <T> what the caller will receive
     * @return a type reference for it
     */
    public static <T> TypeRef<T> of(Type type) {
        return new TypeRef<>(type) {
        };
    }

    /** @return the captured type: a {@link Class}, a {@link ParameterizedType} or another {@link Type} */
    public Type type() {
        return type;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TypeRef<?> that && type.equals(that.type);
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public String toString() {
        return "TypeRef[" + type.getTypeName() + "]";
    }
}
