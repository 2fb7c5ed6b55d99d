package io.warren.it.liberty;

import org.jboss.arquillian.container.spi.ConfigurationException;
import org.jboss.arquillian.container.spi.client.container.ContainerConfiguration;

import java.nio.file.Files;
import java.nio.file.Path;

/** arquillian.xml's settings of {@link LibertyContainer}. */
public final class LibertyConfiguration implements ContainerConfiguration {

    private String wlpHome;
    private String serverName = "defaultServer";
    private int httpPort = 9080;
    private String commonLibraryRef;
    private int startTimeoutSeconds = 120;
    private int deployTimeoutSeconds = 120;

    @Override
    public void validate() throws ConfigurationException {
        if (wlpHome == null || !Files.isExecutable(Path.of(wlpHome, "bin", "server"))) {
            throw new ConfigurationException("wlpHome must be an Open Liberty installation (with bin/server), not " + wlpHome);
        }
        if (!Files.isDirectory(server())) {
            throw new ConfigurationException("serverName " + serverName + " is not a server of " + wlpHome
                    + ": no directory " + server());
        }
        if (httpPort <= 0 || httpPort > 65535) {
            throw new ConfigurationException("httpPort must be a port (1 to 65535), not " + httpPort);
        }
    }

    Path server() {
        return Path.of(wlpHome, "usr", "servers", serverName);
    }

    public String getWlpHome() {
        return wlpHome;
    }

    public void setWlpHome(String wlpHome) {
        this.wlpHome = wlpHome;
    }

    public String getServerName() {
        return serverName;
    }

    public void setServerName(String serverName) {
        this.serverName = serverName;
    }

    public int getHttpPort() {
        return httpPort;
    }

    public void setHttpPort(int httpPort) {
        this.httpPort = httpPort;
    }

    /** @return the library every application's class loader is given, or null */
    public String getCommonLibraryRef() {
        return commonLibraryRef;
    }

    public void setCommonLibraryRef(String commonLibraryRef) {
        this.commonLibraryRef = commonLibraryRef;
    }

    public int getStartTimeoutSeconds() {
        return startTimeoutSeconds;
    }

    public void setStartTimeoutSeconds(int startTimeoutSeconds) {
        this.startTimeoutSeconds = startTimeoutSeconds;
    }

    public int getDeployTimeoutSeconds() {
        return deployTimeoutSeconds;
    }

    public void setDeployTimeoutSeconds(int deployTimeoutSeconds) {
        this.deployTimeoutSeconds = deployTimeoutSeconds;
    }
}
