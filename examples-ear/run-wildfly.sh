#!/usr/bin/env bash
# Runs the examples in WildFly 37: builds warren.rar and warren-examples.ear, unpacks WildFly
# from Maven Central into examples-ear/target, configures and starts it (ports offset by 100:
# HTTP 8180, management 10090), deploys both, triggers each example with curl and prints what
# the examples logged. Stops WildFly at the end, also on failure.
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
LOG_MARK=0

step() { printf '\n== %s\n' "$*"; }

fail() {
  echo "FAILED: $*" >&2
  if [[ -f $LOG ]]; then
    echo "---- last lines of $LOG" >&2
    tail -n 80 "$LOG" >&2
  fi
  exit 1
}

# wait_for SECONDS WHAT COMMAND...: runs COMMAND until it succeeds, failing after SECONDS
wait_for() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    ((SECONDS < deadline)) || fail "no $what after ${seconds}s"
    sleep 0.5
  done
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

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

# logged TEXT: whether server.log has TEXT since the examples were triggered
logged() { awk -v mark="$LOG_MARK" -v text="$1" 'NR > mark && index($0, text) { found = 1 } END { exit !found }' "$LOG"; }

post() {
  echo "\$ curl -X POST '$BASE/$1'"
  curl -sS --fail-with-body --max-time 30 -X POST "$BASE/$1" || fail "POST $1"
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
trap stop_wildfly EXIT

listening 5672 || fail "RabbitMQ does not answer on 127.0.0.1:5672"
for port in "$HTTP_PORT" "${CONTROLLER#*:}"; do
  ! listening "$port" || fail "port $port is in use: is a WildFly of an earlier run still up?"
done

step "Building warren.rar and warren-examples.ear"
# -pl examples-ear alone would build only the aggregator: Maven 3 does not add its modules
mvn -B -q install -DskipTests -pl api,rar,cdi,examples-ear,examples-ear/web,examples-ear/ear -am
ls -l rar/target/warren.rar examples-ear/ear/target/warren-examples.ear

if [[ ! -x $JBOSS_HOME/bin/standalone.sh ]]; then
  step "Unpacking WildFly $WILDFLY_VERSION from Maven Central into $TARGET"
  mvn -B -q -N -f examples-ear/pom.xml org.apache.maven.plugins:maven-dependency-plugin:3.8.1:unpack \
      -Dartifact=org.wildfly:wildfly-dist:$WILDFLY_VERSION:tar.gz -DoutputDirectory="$TARGET" \
      -DmarkersDirectory="$JBOSS_HOME/.unpacked"
fi

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

# what the examples log from here on is this run's, not a leftover message's consumed at deployment
LOG_MARK=$(wc -l <"$LOG")

step "Feed importer"
post "feed?url=http://cnn.com/rss/edition.rss"
step "Media"
post "media/video"
post "media/image"
step "Topic"
post "stocks?keys=usd.stock,eur.stock.db,stock.nasdaq"
step "Polling"
post "poll/put?text=hello%20from%20the%20poll%20example"
# until empty: a message a failed earlier run left in the queue comes out first
for _ in 1 2 3 4 5 6 7 8 9 10; do
  response=$(post "poll")
  echo "$response"
  [[ $response != *"is empty"* ]] || break
done
[[ $response == *"is empty"* ]] || fail "queue poll still not empty after 10 fetches"

if /usr/bin/python3 -c 'import kombu' 2>/dev/null; then
  step "kombu: a zlib-compressed JSON message to the feed importer"
  /usr/bin/python3 - <<'PY'
from kombu import Connection, Producer
with Connection('amqp://guest:guest@127.0.0.1:5672//') as connection:
    Producer(connection.default_channel).publish(
        {'import_feed': 'http://kombu.example/zlib.rss'}, exchange='feed', routing_key='importer',
        serializer='json', compression='zlib')
print('published with kombu, compression zlib')
PY
  KOMBU_EXPECTED="Got feed import message for: http://kombu.example/zlib.rss"
else
  echo "(no python3-kombu: the kombu step is left out)"
  KOMBU_EXPECTED=
fi

step "Waiting for the MDBs"
for expected in "Got feed import message for: http://cnn.com/rss/edition.rss" \
    "Got media message from queue video: name=/tmp/lolcat1.avi size=1301013" \
    "Got media message from queue image: name=/tmp/lolcat1.jpg" \
    "Got stocks message with routing key usd.stock:" \
    "Got stocks message with routing key eur.stock.db:"; do
  wait_for 30 "'$expected' in $LOG" logged "$expected"
done
[[ -z $KOMBU_EXPECTED ]] || wait_for 30 "'$KOMBU_EXPECTED' in $LOG" logged "$KOMBU_EXPECTED"
! logged "routing key stock.nasdaq" || fail "stock.nasdaq reached stock-watch, whose binding is *.stock.#"
echo "all expected messages arrived; stock.nasdaq did not (it matches no binding)"

step "What the examples logged ($LOG)"
awk -v mark="$LOG_MARK" 'NR > mark && /\[io\.warren\.examples\./' "$LOG"
