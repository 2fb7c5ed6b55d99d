#!/usr/bin/env bash
# Runs the examples in Payara Server 6 (domain ports from 8200: HTTP 8280, admin 8248), on the Java on
# the PATH: asadmin-server.sh does the work, as for GlassFish 8 (run-glassfish.sh).
#
# Needs Java 17, Maven 3.8 and RabbitMQ on 127.0.0.1:5672 (guest/guest). From the repository root:
#   bash examples-ear/run-payara.sh
SERVER="Payara Server 6.2025.9"
DIST=fish.payara.distributions:payara:6.2025.9:zip
SERVER_DIR=payara6
PORT_BASE=8200
source "$(dirname "$0")/asadmin-server.sh"
