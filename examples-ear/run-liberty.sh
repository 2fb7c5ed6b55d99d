#!/usr/bin/env bash
# Runs the examples in Open Liberty 25.0.0.12 (HTTP 9480), the twin of run-wildfly.sh and run-payara.sh:
# builds warren.rar and warren-examples.ear, unpacks Open Liberty from Maven Central into examples-ear/target,
# creates a fresh server there with examples-ear/liberty/server.xml (the adapter, its connection factory, the
# MDBs' activation specifications and the same EAR, unchanged), starts it, triggers each example with curl and
# checks what the examples logged. Stops the server at the end, also on failure.
#
# Needs Java 17, Maven 3.8 and RabbitMQ on 127.0.0.1:5672 (guest/guest). From the repository root:
#   bash examples-ear/run-liberty.sh
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET=$ROOT/examples-ear/target
LIBERTY_VERSION=25.0.0.12
WLP=$TARGET/wlp
SERVER_NAME=warren-examples
SERVER_DIR=$WLP/usr/servers/$SERVER_NAME
HTTP_PORT=9480
BASE=http://127.0.0.1:$HTTP_PORT/warren-examples/examples
LOG=$SERVER_DIR/logs/messages.log
STARTED=

source "$ROOT/examples-ear/examples.sh"

stop_liberty() {
  [[ -n $STARTED ]] || return 0
  step "Stopping Open Liberty"
  timeout 60 "$WLP/bin/server" stop "$SERVER_NAME" || echo "Open Liberty did not stop cleanly" >&2
}
trap 'stop_celery; stop_liberty' EXIT

# started TEXT...: whether messages.log has one of the lines, failing the run on an error of the EAR or the adapter
started() {
  if grep -q 'CWWKZ0002E\|J2CA7002E' "$LOG" 2>/dev/null; then
    fail "warren-examples.ear or warren.rar did not start"
  fi
  grep -q "CWWKZ0001I: Application warren-examples started" "$LOG" 2>/dev/null
}

check_ports "Open Liberty" "$HTTP_PORT"
build_examples
unpack_server "io.openliberty:openliberty-runtime:$LIBERTY_VERSION:zip" "$WLP"

step "Creating the server $SERVER_NAME with examples-ear/liberty/server.xml"
# a fresh server each run: the configuration is the documented one, applied to nothing else
rm -rf "$SERVER_DIR"
mkdir -p "$SERVER_DIR"
cp "$ROOT/examples-ear/liberty/server.xml" "$SERVER_DIR/"
cat >"$SERVER_DIR/bootstrap.properties" <<PROPERTIES
http.port=$HTTP_PORT
warren.rar=$ROOT/rar/target/warren.rar
warren.ear=$ROOT/examples-ear/ear/target/warren-examples.ear
PROPERTIES
echo "-Xmx512m" >"$SERVER_DIR/jvm.options"
cat "$SERVER_DIR/bootstrap.properties"

step "Starting Open Liberty $LIBERTY_VERSION"
# set before start returns or fails: a half-started server is stopped too
STARTED=1
timeout 180 "$WLP/bin/server" start "$SERVER_NAME" || fail "Open Liberty did not start"
wait_for 180 "warren-examples started in $LOG" started
grep -h 'J2CA7001I\|CWWKZ0001I' "$LOG"

run_examples
