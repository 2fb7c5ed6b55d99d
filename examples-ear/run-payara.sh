#!/usr/bin/env bash
# Runs the examples in Payara Server 6, the twin of run-wildfly.sh: builds warren.rar and
# warren-examples.ear, unpacks Payara from Maven Central into examples-ear/target, creates a fresh
# domain there with its ports based at 8200 (HTTP 8280, admin 8248: clear of WildFly's, offset or
# not, and of a default Payara), starts it, configures the adapter with the documented asadmin
# commands (examples-ear/payara/configure-warren.asadmin), deploys the same EAR as in WildFly,
# triggers each example with curl and checks what the examples logged. Stops Payara at the end,
# also on failure.
#
# Needs Java 17, Maven 3.8 and RabbitMQ on 127.0.0.1:5672 (guest/guest). From the repository root:
#   bash examples-ear/run-payara.sh
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
PAYARA_VERSION=6.2025.9
TARGET=$ROOT/examples-ear/target
PAYARA_HOME=$TARGET/payara6
ASADMIN=$PAYARA_HOME/bin/asadmin
DOMAIN=warren-examples
DOMAIN_DIR=$PAYARA_HOME/glassfish/domains/$DOMAIN
PORT_BASE=8200
HTTP_PORT=$((PORT_BASE + 80))
# asadmin's own variables: every command below, and docs/servers.md's file, talks to this domain
export AS_ADMIN_HOST=127.0.0.1 AS_ADMIN_PORT=$((PORT_BASE + 48))
BASE=http://127.0.0.1:$HTTP_PORT/warren-examples/examples
LOG=$DOMAIN_DIR/logs/server.log
STARTED=

source "$ROOT/examples-ear/examples.sh"

payara_pid() { cat "$DOMAIN_DIR/config/pid" 2>/dev/null; }

stop_payara() {
  [[ -n $STARTED ]] || return 0
  step "Stopping Payara"
  local pid
  pid=$(payara_pid) || true
  if ! timeout 60 "$ASADMIN" stop-domain "$DOMAIN"; then
    echo "Payara did not stop: killing it" >&2
    timeout 30 "$ASADMIN" stop-domain --kill=true "$DOMAIN" || { [[ -n $pid ]] && kill -9 "$pid" 2>/dev/null; } || true
  fi
  echo "stopped"
}
trap 'stop_celery; stop_payara' EXIT

check_ports Payara "$HTTP_PORT" "$AS_ADMIN_PORT"
build_examples
unpack_server "fish.payara.distributions:payara:$PAYARA_VERSION:zip" "$PAYARA_HOME"

step "Creating the domain $DOMAIN (ports from $PORT_BASE)"
# a fresh domain each run: the configuration below is docs/servers.md's, applied to nothing else
rm -rf "$DOMAIN_DIR"
"$ASADMIN" create-domain --nopassword=true --portbase "$PORT_BASE" "$DOMAIN" >/dev/null
echo "created $DOMAIN_DIR"

step "Starting Payara"
# set before start-domain returns or fails: a half-started server is stopped too
STARTED=1
if ! timeout 180 "$ASADMIN" start-domain "$DOMAIN"; then
  pid=$(payara_pid) || true
  ! { [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; } || fail "Payara did not start"
  # under CPU load Payara's start-up sometimes dies of a race among its own services (an NPE in
  # TransactionServiceConfigListener; payara/Payara#4395); the same domain then starts
  echo "Payara died while starting: starting it once more"
  timeout 180 "$ASADMIN" start-domain "$DOMAIN" || fail "Payara did not start"
fi

step "Configuring and deploying Warren's resource adapter (examples-ear/payara/configure-warren.asadmin)"
# multimode goes on after a failed command and may still exit with 0: its output tells
output=$(timeout 180 "$ASADMIN" multimode --file "$ROOT/examples-ear/payara/configure-warren.asadmin" 2>&1) \
  || fail "asadmin multimode failed: $output"
grep -v '^Unable to retrieve infocmp' <<<"$output"
! grep -q '^Command .* failed' <<<"$output" || fail "a command of configure-warren.asadmin failed"

step "Deploying"
timeout 180 "$ASADMIN" deploy examples-ear/ear/target/warren-examples.ear || fail "warren-examples.ear did not deploy"

run_examples
