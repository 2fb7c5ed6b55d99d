#!/usr/bin/env bash
# Runs the examples in WildFly 37: builds warren.rar and warren-examples.ear, unpacks WildFly
# from Maven Central into examples-ear/target, configures and starts it (ports offset by 100:
# HTTP 8180, management 10090), deploys both, triggers each example with curl and prints what
# the examples logged. Stops WildFly at the end, also on failure. run-payara.sh is its twin.
#
# Needs Java 17, Maven 3.8 and RabbitMQ on 127.0.0.1:5672 (guest/guest). From the repository root:
#   bash examples-ear/run-wildfly.sh
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
WILDFLY_VERSION=37.0.1.Final
TARGET=$ROOT/examples-ear/target
export JBOSS_HOME=$TARGET/wildfly-$WILDFLY_VERSION
PORT_OFFSET=100
HTTP_PORT=$((8080 + PORT_OFFSET))
CONTROLLER=127.0.0.1:$((9990 + PORT_OFFSET))
BASE=http://127.0.0.1:$HTTP_PORT/warren-examples/examples
DEPLOYMENTS=$JBOSS_HOME/standalone/deployments
LOG=$JBOSS_HOME/standalone/log/server.log
CONSOLE=$TARGET/wildfly-console.log
PIDFILE=$TARGET/wildfly.pid
WILDFLY_PID=

source "$ROOT/examples-ear/examples.sh"

wildfly_alive() { [[ -n $WILDFLY_PID ]] && kill -0 "$WILDFLY_PID" 2>/dev/null; }

booted() {
  wildfly_alive || fail "WildFly exited while starting (console output: $CONSOLE)"
  grep -q 'WFLYSRV0025\|WFLYSRV0026' "$CONSOLE"
}

# deployed FILE: true once the scanner deployed it, fails the run when it failed to
deployed() {
  if [[ -f $DEPLOYMENTS/$1.failed ]]; then
    echo "---- $DEPLOYMENTS/$1.failed" >&2
    cat "$DEPLOYMENTS/$1.failed" >&2
    echo >&2
    fail "$1 did not deploy"
  fi
  [[ -f $DEPLOYMENTS/$1.deployed ]]
}

deploy() {
  cp "$1" "$DEPLOYMENTS/"
  wait_for 60 "deployment of $(basename "$1")" deployed "$(basename "$1")"
  echo "deployed $(basename "$1")"
}

stop_wildfly() {
  wildfly_alive || return 0
  step "Stopping WildFly"
  "$JBOSS_HOME/bin/jboss-cli.sh" --connect --controller="$CONTROLLER" command=:shutdown >/dev/null 2>&1 || true
  local deadline=$((SECONDS + 30))
  while wildfly_alive && ((SECONDS < deadline)); do
    sleep 0.5
  done
  if wildfly_alive; then
    echo "WildFly did not stop within 30s: killing it" >&2
    [[ -f $PIDFILE ]] && kill "$(cat "$PIDFILE")" 2>/dev/null || true
    kill "$WILDFLY_PID" 2>/dev/null || true
  fi
  echo "stopped"
}
trap 'stop_celery; stop_wildfly' EXIT

check_ports WildFly "$HTTP_PORT" "${CONTROLLER#*:}"
build_examples
unpack_server "org.wildfly:wildfly-dist:$WILDFLY_VERSION:tar.gz" "$JBOSS_HOME"

step "Configuring Warren's resource adapter (examples-ear/wildfly/configure-warren.cli)"
"$JBOSS_HOME/bin/jboss-cli.sh" --file="$ROOT/examples-ear/wildfly/configure-warren.cli"
# a fresh start deploys only what this run copies in
rm -f "$DEPLOYMENTS"/warren.rar* "$DEPLOYMENTS"/warren-examples.ear*

step "Starting WildFly (standalone-full.xml, port offset $PORT_OFFSET)"
rm -f "$PIDFILE"
LAUNCH_JBOSS_IN_BACKGROUND=1 JBOSS_PIDFILE=$PIDFILE JBOSS_JAVA_SIZING="-Xms64m -Xmx512m" \
  "$JBOSS_HOME/bin/standalone.sh" -c standalone-full.xml -Djboss.socket.binding.port-offset=$PORT_OFFSET \
  -b 127.0.0.1 -bmanagement 127.0.0.1 >"$CONSOLE" 2>&1 &
WILDFLY_PID=$!
wait_for 120 "WildFly start-up" booted
grep -o 'WFLYSRV002[56].*' "$CONSOLE"

step "Deploying"
deploy rar/target/warren.rar
deploy examples-ear/ear/target/warren-examples.ear

run_examples
