# Runs the examples in a server of GlassFish's family, sourced by run-payara.sh (Payara Server 6) and
# run-glassfish.sh (GlassFish 8), the twins of run-wildfly.sh: builds warren.rar and warren-examples.ear,
# unpacks the server from Maven Central into examples-ear/target, creates a fresh domain there with its
# ports based at PORT_BASE (HTTP PORT_BASE+80, admin PORT_BASE+48: clear of WildFly's, offset or not, of
# a default domain and of each other), starts it, configures the adapter with the documented asadmin
# commands (examples-ear/payara/configure-warren.asadmin, the same for both), deploys the same EAR as in
# WildFly, triggers each example with curl and checks what the examples logged. Stops the server at the
# end, also on failure.
#
# The sourcing script sets SERVER (its name in messages), DIST (GROUP:ARTIFACT:VERSION:TYPE of the
# distribution), SERVER_DIR (the directory DIST unpacks to, in examples-ear/target) and PORT_BASE; AS_JAVA, exported, is the Java asadmin
# and the domain run on (the one on the PATH without it).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
TARGET=$ROOT/examples-ear/target
SERVER_HOME=$TARGET/$SERVER_DIR
ASADMIN=$SERVER_HOME/bin/asadmin
DOMAIN=warren-examples
DOMAIN_DIR=$SERVER_HOME/glassfish/domains/$DOMAIN
HTTP_PORT=$((PORT_BASE + 80))
# asadmin's own variables: every command below, and docs/servers.md's file, talks to this domain
export AS_ADMIN_HOST=127.0.0.1 AS_ADMIN_PORT=$((PORT_BASE + 48))
BASE=http://127.0.0.1:$HTTP_PORT/warren-examples/examples
LOG=$DOMAIN_DIR/logs/server.log
STARTED=

source "$ROOT/examples-ear/examples.sh"

server_pid() { cat "$DOMAIN_DIR/config/pid" 2>/dev/null; }

stop_server() {
  [[ -n $STARTED ]] || return 0
  step "Stopping $SERVER"
  local pid
  pid=$(server_pid) || true
  # the domain is named, and found by its directory: GlassFish 8 refuses a name beside a host (AS_ADMIN_HOST)
  if ! timeout 60 env -u AS_ADMIN_HOST "$ASADMIN" stop-domain "$DOMAIN"; then
    echo "$SERVER did not stop: killing it" >&2
    timeout 30 env -u AS_ADMIN_HOST "$ASADMIN" stop-domain --kill=true "$DOMAIN" || { [[ -n $pid ]] && kill -9 "$pid" 2>/dev/null; } || true
  fi
  echo "stopped"
}
trap 'stop_celery; stop_server' EXIT

check_ports "$SERVER" "$HTTP_PORT" "$AS_ADMIN_PORT"
build_examples
unpack_server "$DIST" "$SERVER_HOME"

step "Creating the domain $DOMAIN (ports from $PORT_BASE)"
# a fresh domain each run: the configuration below is docs/servers.md's, applied to nothing else
rm -rf "$DOMAIN_DIR"
"$ASADMIN" create-domain --nopassword=true --portbase "$PORT_BASE" "$DOMAIN" >/dev/null
echo "created $DOMAIN_DIR"

step "Starting $SERVER${AS_JAVA:+ on $AS_JAVA}"
# set before start-domain returns or fails: a half-started server is stopped too
STARTED=1
if ! timeout 180 "$ASADMIN" start-domain "$DOMAIN"; then
  pid=$(server_pid) || true
  ! { [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; } || fail "$SERVER did not start"
  # under CPU load Payara's start-up sometimes dies of a race among its own services (an NPE in
  # TransactionServiceConfigListener; payara/Payara#4395); the same domain then starts
  echo "$SERVER died while starting: starting it once more"
  timeout 180 "$ASADMIN" start-domain "$DOMAIN" || fail "$SERVER did not start"
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
