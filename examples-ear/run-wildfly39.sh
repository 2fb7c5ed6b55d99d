#!/usr/bin/env bash
# Runs the examples in WildFly 39 on Java 25: run-wildfly.sh with another version and Java (the same
# ports, CLI script and EAR). WARREN_JAVA25_HOME chooses the Java (by default
# /usr/lib/jvm/temurin-25-jdk-amd64). From the repository root:
#   bash examples-ear/run-wildfly39.sh
export WILDFLY_VERSION=39.0.1.Final
export WILDFLY_JAVA_HOME=${WARREN_JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
exec bash "$(dirname "$0")/run-wildfly.sh"
