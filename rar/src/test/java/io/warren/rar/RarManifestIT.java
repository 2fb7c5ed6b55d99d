package io.warren.rar;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged {@code warren.rar} says which version it is, in its own manifest and in the
 * manifest of the adapter's classes inside it (which {@link Package#getImplementationVersion()} reads).
 * Its file name has no version, so that MDB bindings survive releases: the manifest is where it is.
 */
class RarManifestIT {

    private static final String VERSION = System.getProperty("warren.version");

    @Test
    void theRarCarriesItsVersion() throws IOException {
        Path rar = Path.of(System.getProperty("warren.rar"));
        assertTrue(Files.isRegularFile(rar), "no packaged RAR at " + rar);
        try (JarFile jar = new JarFile(rar.toFile())) {
            assertVersioned(jar.getManifest(), "warren.rar", "Warren resource adapter");
            String core = "warren-core-" + VERSION + ".jar";
            ZipEntry classes = jar.getEntry(core);
            assertNotNull(classes, "warren.rar lacks " + core + ", the adapter's classes");
            try (InputStream in = jar.getInputStream(classes); JarInputStream inner = new JarInputStream(in)) {
                assertVersioned(inner.getManifest(), "warren.rar!/" + core, "Warren adapter core");
            }
        }
    }

    /**
     * kombu's formats need libraries of their own in the archive: a server gives the adapter none
     * of them. zstd-jni carries its native libraries inside its jar and loads them from there.
     */
    @Test
    void theRarCarriesTheLibrariesOfKombusFormats() throws IOException {
        Path rar = Path.of(System.getProperty("warren.rar"));
        List<String> entries = new ArrayList<>();
        try (JarFile jar = new JarFile(rar.toFile())) {
            jar.stream().forEach(entry -> entries.add(entry.getName()));
        }
        for (String library : List.of("jackson-dataformat-msgpack-", "msgpack-core-", "zstd-jni-", "dec-0.1.2",
                "commons-compress-", "xz-", "jackson-datatype-jsr310-")) {
            assertTrue(entries.stream().anyMatch(name -> name.startsWith(library) && name.endsWith(".jar")),
                    "warren.rar lacks " + library + "*.jar: " + entries);
        }
    }

    private static void assertVersioned(Manifest manifest, String where, String title) {
        assertNotNull(VERSION, "the build passes warren.version");
        assertNotNull(manifest, where + " has no META-INF/MANIFEST.MF");
        Attributes main = manifest.getMainAttributes();
        assertEquals(VERSION, main.getValue(Attributes.Name.IMPLEMENTATION_VERSION), where + ": Implementation-Version");
        String specification = main.getValue(Attributes.Name.SPECIFICATION_VERSION);
        assertTrue(specification != null && VERSION.startsWith(specification + "."),
                where + ": Specification-Version is the major.minor of " + VERSION + ", not " + specification);
        assertEquals(title, main.getValue(Attributes.Name.IMPLEMENTATION_TITLE),
                where + ": Implementation-Title");
        assertEquals("Warren", main.getValue(Attributes.Name.IMPLEMENTATION_VENDOR), where + ": Implementation-Vendor");
    }
}
