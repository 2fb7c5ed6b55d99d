package io.warren.rar;

import io.warren.rar.harness.Broker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a release publishes: the BOM names every artifact at the build's version, the license is there. */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class ReleaseArtifactsTest {

    /** The artifacts applications use; the BOM manages each of them. */
    private static final List<String> PUBLISHED = List.of("api", "container", "core", "cdi", "rar", "test");

    private static Element pom(String path) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(false);
            Document document = factory.newDocumentBuilder().parse(Path.of("..", path).toFile());
            return document.getDocumentElement();
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("cannot read " + path, e);
        }
    }

    private static String child(Element element, String name) {
        NodeList children = element.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent().trim();
            }
        }
        return null;
    }

    @Test
    void theBomManagesEveryPublishedArtifactAtTheBuildsVersion() throws IOException {
        Element parent = pom("pom.xml");
        Element bom = pom("bom/pom.xml");
        assertEquals(child(parent, "version"), child(bom, "version"), "bom/pom.xml's version is the build's");

        List<String> managed = new ArrayList<>();
        NodeList dependencies = bom.getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            assertEquals("${project.version}", child(dependency, "version"), child(dependency, "artifactId"));
            managed.add(child(dependency, "artifactId"));
        }
        for (String module : PUBLISHED) {
            String artifactId = child(pom(module + "/pom.xml"), "artifactId");
            assertTrue(managed.contains(artifactId), "warren-bom lacks " + artifactId);
        }
    }

    @Test
    void everyPomCarriesTheLicenseAndTheSourcesAddress() throws IOException {
        assertTrue(Files.readString(Path.of("..", "LICENSE")).contains("Apache License"), "LICENSE is Apache 2.0");
        for (String path : List.of("pom.xml", "bom/pom.xml")) {
            Element pom = pom(path);
            assertEquals("Apache License, Version 2.0",
                    child((Element) pom.getElementsByTagName("license").item(0), "name"), path);
            assertTrue(pom.getElementsByTagName("scm").getLength() == 1, path + " has an scm section");
            assertTrue(pom.getElementsByTagName("developer").getLength() >= 1, path + " names its developers");
        }
    }

    @Test
    void theReadmeShowsHowToImportTheBom() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        assertTrue(readme.contains("<artifactId>warren-bom</artifactId>"), "README shows the BOM import");
        assertTrue(readme.contains("<scope>import</scope>"), "README imports the BOM");
    }
}
