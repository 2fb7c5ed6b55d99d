#!/usr/bin/env bash
# Runs the examples in GlassFish 8 (domain ports from 8300: HTTP 8380, admin 8348) on Java 25, as
# run-payara.sh runs them in Payara: asadmin-server.sh does the work. GlassFish 8 needs Java 21 or newer:
# AS_JAVA, if set, chooses it, else WARREN_JAVA25_HOME (by default /usr/lib/jvm/temurin-25-jdk-amd64).
#
# Needs Java 17 for the build, Java 21+ for the server, Maven 3.8 and RabbitMQ on 127.0.0.1:5672
# (guest/guest). From the repository root:
#   bash examples-ear/run-glassfish.sh
SERVER="GlassFish 8.0.0"
DIST=org.glassfish.main.distributions:glassfish:8.0.0:zip
SERVER_DIR=glassfish8
PORT_BASE=8300
export AS_JAVA=${AS_JAVA:-${WARREN_JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}}
source "$(dirname "$0")/asadmin-server.sh"
