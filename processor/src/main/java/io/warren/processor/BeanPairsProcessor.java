package io.warren.processor;

import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes, for each enum annotated {@code @BeanPairs}, a class with the JavaBean getter and setter
 * of each of its constants and the map they store into. JCA servers set configuration only through
 * such pairs, so they must exist; generating them keeps the enum constant the one declaration of a
 * property. The class is concrete, with a public no-argument constructor: Open Liberty instantiates
 * each class of the resource adapter's hierarchy that has {@code @ConfigProperty} setters, to read
 * their defaults through the getters, and fails to install an adapter with an abstract one.
 * <p>
 * The annotations live in warren-core and are read here by name, so this module depends on
 * nothing. A constant's {@code @BeanPair} gives the pair's type (String when absent) and whether
 * the server must treat the value as confidential.
 */
@SupportedAnnotationTypes(BeanPairsProcessor.BEAN_PAIRS)
public final class BeanPairsProcessor extends AbstractProcessor {

    static final String BEAN_PAIRS = "io.warren.rar.config.BeanPairs";
    private static final String BEAN_PAIR = "io.warren.rar.config.BeanPair";
    private static final String CONFIG_PROPERTY = "jakarta.resource.spi.ConfigProperty";

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        for (TypeElement annotation : annotations) {
            for (Element element : round.getElementsAnnotatedWith(annotation)) {
                if (element.getKind() != ElementKind.ENUM) {
                    processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, "@BeanPairs is for the enum "
                            + "that declares properties", element);
                    continue;
                }
                write((TypeElement) element);
            }
        }
        return true;
    }

    private void write(TypeElement declarations) {
        AnnotationMirror pairs = mirror(declarations, BEAN_PAIRS);
        String name = (String) value(pairs, "name");
        String superclass = (String) value(pairs, "superclass");
        boolean configProperty = (Boolean) value(pairs, "configProperty");
        String enumName = declarations.getSimpleName().toString();
        String pkg = ((PackageElement) declarations.getEnclosingElement()).getQualifiedName().toString();
        // brokerPropertyValues for BrokerProperty: distinct along a hierarchy of generated classes
        String field = Character.toLowerCase(enumName.charAt(0)) + enumName.substring(1) + "Values";
        StringBuilder source = new StringBuilder()
                .append("package ").append(pkg).append(";\n\n")
                .append(configProperty ? "import " + CONFIG_PROPERTY + ";\n" : "")
                .append("import java.io.Serializable;\n")
                .append("import java.util.EnumMap;\n")
                .append("import javax.annotation.processing.Generated;\n\n")
                .append("/**\n * The JavaBean getter and setter of each {@link ").append(enumName)
                .append("}, written from its constants by\n * warren-config-processor at build time: edit the enum, not this.\n */\n")
                .append("@Generated(\"").append(getClass().getName()).append("\")\n")
                .append("public class ").append(name)
                .append(superclass.isEmpty() ? "" : " extends " + superclass).append(" implements Serializable {\n\n")
                .append("    private static final long serialVersionUID = 1L;\n\n")
                .append("    private final EnumMap<").append(enumName).append(", String> ").append(field)
                .append(" = new EnumMap<>(").append(enumName).append(".class);\n\n")
                .append("    /** Stores a property's value as text; null or blank leaves it unset. */\n")
                .append("    protected void set(").append(enumName).append(" property, Object value) {\n")
                .append("        String text = value == null ? null : value.toString().trim();\n")
                .append("        if (text == null || text.isEmpty()) {\n")
                .append("            ").append(field).append(".remove(property);\n")
                .append("        } else {\n")
                .append("            ").append(field).append(".put(property, text);\n")
                .append("        }\n")
                .append("    }\n\n")
                .append("    /** @return the property's text as set, or null when unset */\n")
                .append("    protected String get(").append(enumName).append(" property) {\n")
                .append("        return ").append(field).append(".get(property);\n")
                .append("    }\n\n")
                .append("    /** @return the properties set, without defaults: the map itself, not a copy */\n")
                .append("    protected final EnumMap<").append(enumName).append(", String> ").append(field).append("() {\n")
                .append("        return ").append(field).append(";\n")
                .append("    }\n");
        for (Element constant : declarations.getEnclosedElements()) {
            if (constant.getKind() == ElementKind.ENUM_CONSTANT) {
                pair(source, enumName, constant, configProperty);
            }
        }
        source.append("}\n");
        try (Writer out = processingEnv.getFiler().createSourceFile(pkg + "." + name, declarations).openWriter()) {
            out.write(source.toString());
        } catch (IOException e) {
            processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, "cannot write " + name + ": " + e, declarations);
        }
    }

    private void pair(StringBuilder source, String enumName, Element constant, boolean configProperty) {
        AnnotationMirror pair = mirror(constant, BEAN_PAIR);
        String qualified = pair == null ? "java.lang.String" : value(pair, "type").toString();
        String type = qualified.startsWith("java.lang.") ? qualified.substring("java.lang.".length()) : qualified;
        boolean confidential = pair != null && (Boolean) value(pair, "confidential");
        String property = enumName + "." + constant.getSimpleName();
        String bean = beanName(constant.getSimpleName().toString());
        source.append("\n    public ").append(type).append(" get").append(bean).append("() {\n");
        if (type.equals("String")) {
            source.append("        return get(").append(property).append(");\n");
        } else {
            source.append("        String text = get(").append(property).append(");\n")
                    .append("        return text == null ? null : ").append(type).append(".valueOf(text);\n");
        }
        source.append("    }\n\n");
        if (configProperty) {
            source.append("    @ConfigProperty").append(confidential ? "(confidential = true)" : "").append("\n");
        }
        source.append("    public void set").append(bean).append("(").append(type).append(" value) {\n")
                .append("        set(").append(property).append(", value);\n")
                .append("    }\n");
    }

    /** @return {@code VIRTUAL_HOST} as {@code VirtualHost}, the property name after get or set */
    private static String beanName(String constant) {
        StringBuilder name = new StringBuilder();
        for (String word : constant.toLowerCase(Locale.ROOT).split("_")) {
            name.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        return name.toString();
    }

    private static AnnotationMirror mirror(Element element, String annotation) {
        for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
            if (((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName().contentEquals(annotation)) {
                return mirror;
            }
        }
        return null;
    }

    /** @return the member's value, its default when the annotation leaves it out */
    private Object value(AnnotationMirror mirror, String member) {
        Map<? extends ExecutableElement, ? extends AnnotationValue> values =
                processingEnv.getElementUtils().getElementValuesWithDefaults(mirror);
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry : values.entrySet()) {
            if (entry.getKey().getSimpleName().contentEquals(member)) {
                return entry.getValue().getValue();
            }
        }
        throw new IllegalStateException(mirror + " has no member " + member);
    }
}
