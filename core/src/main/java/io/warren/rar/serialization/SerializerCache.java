package io.warren.rar.serialization;

import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The serializers of each application, by its class loader. An application finds the serializers
 * its own class path registers (and may replace a built-in one), and nothing here keeps an
 * undeployed application's loader alive: the loader is a weak key, and its serializers (whose
 * Jackson caches hold the application's classes) are held weakly too, as a strong value would
 * hold its own key. Whoever uses them (a producer, a message) holds them meanwhile; when nobody
 * does, they are found again on the next call.
 */
public final class SerializerCache {

    private final ClassLoader adapterLoader;
    private final Map<ClassLoader, WeakReference<Serializers>> byLoader = new WeakHashMap<>();
    private WeakReference<Serializers> withoutLoader = new WeakReference<>(null);

    /** @param adapterLoader the adapter's own class loader, whose registered serializers every application sees */
    public SerializerCache(ClassLoader adapterLoader) {
        this.adapterLoader = adapterLoader;
    }

    /** @return the serializers for an application's class loader, or the adapter's alone for null */
    public synchronized Serializers forLoader(ClassLoader application) {
        WeakReference<Serializers> cached = application == null ? withoutLoader : byLoader.get(application);
        Serializers serializers = cached == null ? null : cached.get();
        if (serializers == null) {
            serializers = Serializers.load(application, adapterLoader);
            if (application == null) {
                withoutLoader = new WeakReference<>(serializers);
            } else {
                byLoader.put(application, new WeakReference<>(serializers));
            }
        }
        return serializers;
    }
}
