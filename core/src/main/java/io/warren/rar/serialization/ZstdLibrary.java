package io.warren.rar.serialization;

/**
 * What to say when zstd-jni's native library cannot load. zstd-jni copies the library for this
 * platform out of its jar into a new temporary file for each class loader that loads it, so that
 * two deployments of the adapter (two class loaders) each load their own copy, as the JVM requires;
 * it fails on a platform the jar has no library for, or where the temporary directory does not
 * allow executables.
 */
final class ZstdLibrary {

    private ZstdLibrary() {
    }

    static IllegalStateException unavailable(LinkageError cause) {
        return new IllegalStateException("zstd is unavailable: zstd-jni's native library did not load on "
                + System.getProperty("os.name") + "/" + System.getProperty("os.arch") + " (" + cause
                + "); it is extracted to java.io.tmpdir (" + System.getProperty("java.io.tmpdir")
                + "), which must allow executables", cause);
    }
}
