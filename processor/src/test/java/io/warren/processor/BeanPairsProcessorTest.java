package io.warren.processor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The processor run by javac on a small declaring enum, as warren-core's build runs it. */
class BeanPairsProcessorTest {

    private static JavaFileObject source(String name, String text) {
        return new SimpleJavaFileObject(URI.create("string:///" + name.replace('.', '/') + ".java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return text;
            }
        };
    }

    /** The annotations as warren-core declares them: the processor knows them only by name. */
    private static final List<JavaFileObject> ANNOTATIONS = List.of(
            source("io.warren.rar.config.BeanPairs", "package io.warren.rar.config;\n"
                    + "@java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)\n"
                    + "public @interface BeanPairs { String name(); String superclass() default \"\";"
                    + " boolean configProperty() default false; }"),
            source("io.warren.rar.config.BeanPair", "package io.warren.rar.config;\n"
                    + "@java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)\n"
                    + "public @interface BeanPair { Class<?> type() default String.class; boolean confidential() default false; }"),
            source("jakarta.resource.spi.ConfigProperty", "package jakarta.resource.spi;\n"
                    + "public @interface ConfigProperty { boolean confidential() default false; }"));

    private static String generate(Path output, String declaringEnum) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
            files.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(output));
            files.setLocationFromPaths(StandardLocation.SOURCE_OUTPUT, List.of(output));
            List<JavaFileObject> sources = new ArrayList<>(ANNOTATIONS);
            sources.add(source("sample.Setting", declaringEnum));
            sources.add(source("sample.Settings", "package sample;\n"
                    + "public class Settings extends SettingBeans {\n}"));
            JavaCompiler.CompilationTask task = javac.getTask(null, files, diagnostics, List.of(), null, sources);
            task.setProcessors(List.of(new BeanPairsProcessor()));
            boolean compiled = task.call();
            StringBuilder errors = new StringBuilder();
            for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
                errors.append(diagnostic).append('\n');
            }
            assertTrue(compiled, errors.toString());
        }
        return Files.readString(output.resolve("sample/SettingBeans.java"));
    }

    @Test
    void writesAPairPerConstantWithItsTypeAndConfidentiality(@TempDir Path output)
            throws IOException {
        String generated = generate(output, "package sample;\n"
                + "import io.warren.rar.config.BeanPair;\n"
                + "@io.warren.rar.config.BeanPairs(name = \"SettingBeans\", configProperty = true)\n"
                + "public enum Setting {\n"
                + "  VIRTUAL_HOST,\n"
                + "  @BeanPair(type = Integer.class) HEARTBEAT_SECONDS,\n"
                + "  @BeanPair(confidential = true) PASSWORD\n"
                + "}");
        for (String expected : new String[] {
                // concrete, storing the values itself: Open Liberty instantiates each class of the adapter's hierarchy
                "public class SettingBeans implements Serializable {",
                "private final EnumMap<Setting, String> settingValues = new EnumMap<>(Setting.class);",
                "public String getVirtualHost() {\n        return get(Setting.VIRTUAL_HOST);",
                "@ConfigProperty\n    public void setVirtualHost(String value) {\n        set(Setting.VIRTUAL_HOST, value);",
                "public Integer getHeartbeatSeconds() {\n        String text = get(Setting.HEARTBEAT_SECONDS);\n"
                        + "        return text == null ? null : Integer.valueOf(text);",
                "@ConfigProperty\n    public void setHeartbeatSeconds(Integer value) {",
                "@ConfigProperty(confidential = true)\n    public void setPassword(String value) {"}) {
            assertTrue(generated.contains(expected), "lacks\n" + expected + "\nin\n" + generated);
        }
    }
}
