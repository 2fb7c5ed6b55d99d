# What the run-<server>.sh scripts do alike (run-wildfly.sh, and asadmin-server.sh for run-payara.sh and
# run-glassfish.sh), sourced so that each server gets the same
# build, the same curl triggers and the same expected log lines. The sourcing script sets
#   ROOT  the repository root        TARGET  examples-ear/target
#   LOG   the server's log file      BASE    the examples' URL, http://127.0.0.1:PORT/warren-examples/examples
# and a trap that stops its server on exit.

LOG_MARK=0
CELERY_PID=

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

# check_ports SERVER PORT...: the broker answers, and none of the server's ports is taken
check_ports() {
  local server=$1 port
  shift
  listening 5672 || fail "RabbitMQ does not answer on 127.0.0.1:5672"
  for port in "$@"; do
    ! listening "$port" || fail "port $port is in use: is a $server of an earlier run still up?"
  done
}

build_examples() {
  # .ci/run has just built both with `mvn -B verify`: building them again would only cost time
  if [[ ${WARREN_EXAMPLES_PREBUILT:-} == 1 && -f $ROOT/rar/target/warren.rar && -f $ROOT/examples-ear/ear/target/warren-examples.ear ]]; then
    step "Using the warren.rar and warren-examples.ear this build made"
    ls -l "$ROOT/rar/target/warren.rar" "$ROOT/examples-ear/ear/target/warren-examples.ear"
    return 0
  fi
  step "Building warren.rar and warren-examples.ear"
  # -pl examples-ear alone would build only the aggregator: Maven 3 does not add its modules
  (cd "$ROOT" && mvn -B -q package -DskipTests -pl api,rar,cdi,examples-ear,examples-ear/web,examples-ear/ear -am)
  ls -l "$ROOT/rar/target/warren.rar" "$ROOT/examples-ear/ear/target/warren-examples.ear"
}

# unpack_server GROUP:ARTIFACT:VERSION:TYPE HOME: unpacks the distribution from Maven Central into
# TARGET, unless HOME (the directory it unpacks to) is already there
unpack_server() {
  [[ -d $2/bin ]] && return 0
  step "Unpacking $1 from Maven Central into $TARGET"
  mvn -B -q -N -f "$ROOT/examples-ear/pom.xml" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:unpack \
      -Dartifact="$1" -DoutputDirectory="$TARGET" -DmarkersDirectory="$2/.unpacked"
}

# stop_celery: stops the Celery worker run_examples started, if it runs (both scripts' exit traps call it)
stop_celery() {
  [[ -n $CELERY_PID ]] && kill -0 "$CELERY_PID" 2>/dev/null || return 0
  kill "$CELERY_PID" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while kill -0 "$CELERY_PID" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.5
  done
  kill -9 "$CELERY_PID" 2>/dev/null || true
  CELERY_PID=
}

# consumed QUEUE: whether the queue has a consumer
consumed() { rabbitmqctl -q list_queues name consumers --no-table-headers | grep -Eq "^$1[[:space:]]+[1-9]"; }

# logged TEXT: whether the server's log has TEXT since the examples were triggered
logged() { awk -v mark="$LOG_MARK" -v text="$1" 'NR > mark && index($0, text) { found = 1 } END { exit !found }' "$LOG"; }

post() {
  echo "\$ curl -X POST '$BASE/$1'"
  curl -sS --fail-with-body --max-time 30 -X POST "$BASE/$1" || fail "POST $1"
}

# run_examples: triggers each example (the README's table) and waits for what the MDBs log
run_examples() {
  # what the examples log from here on is this run's, not a leftover message's consumed at deployment
  LOG_MARK=$(wc -l <"$LOG")

  step "Feed importer"
  post "feed?url=http://cnn.com/rss/edition.rss"
  step "Media"
  post "media/video"
  post "media/image"
  step "Topic"
  post "stocks?keys=usd.stock,eur.stock.db,stock.nasdaq"
  step "Quorum queue with delayed retries, and a stream"
  post "orders?id=42"
  post "events?text=user%20signed%20up"
  step "Polling"
  post "poll/put?text=hello%20from%20the%20poll%20example"
  local response
  # until empty: a message a failed earlier run left in the queue comes out first
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    response=$(post "poll")
    echo "$response"
    [[ $response != *"is empty"* ]] || break
  done
  [[ $response == *"is empty"* ]] || fail "queue poll still not empty after 10 fetches"

  step "Request and reply: an EJB asks, an MDB answers over direct reply-to"
  response=$(post "prices?product=tea")
  echo "$response"
  [[ $response == *"price of tea: 3.5"* ]] || fail "no answer from PriceQuoter: $response"

  local kombu_expected=
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
    kombu_expected="Got feed import message for: http://kombu.example/zlib.rss"
  else
    echo "(no python3-kombu: the kombu step is left out)"
  fi

  local celery_expected=
  if /usr/bin/python3 -c 'import celery' 2>/dev/null; then
    step "Celery: the EJB ReportService calls the Python task reports.add on a Celery worker"
    local worker_log=$TARGET/celery-worker.log
    (cd "$ROOT/examples-ear/celery" && exec /usr/bin/python3 -m celery -A reports worker -P solo -Q reports \
        -n reports@localhost --without-gossip --without-mingle --without-heartbeat --loglevel=INFO) >"$worker_log" 2>&1 &
    CELERY_PID=$!
    wait_for 60 "Celery worker consuming queue reports (its log: $worker_log)" consumed reports
    response=$(post "celery/add?x=2&y=3")
    echo "$response"
    [[ $response == *"returned 5"* ]] || fail "no result from the Celery worker: $response (its log: $worker_log)"
    stop_celery

    step "Celery: a Python client calls billing.charge, served by the MDB Billing"
    echo "\$ python3 examples-ear/celery/reports.py charge acme 1250"
    response=$(cd "$ROOT/examples-ear/celery" && /usr/bin/python3 reports.py charge acme 1250) \
        || fail "the Celery client failed: $response"
    echo "$response"
    [[ $response == "charged 1250 cents to acme" ]] || fail "unexpected answer from Billing: $response"
    celery_expected="Charged 1250 cents to acme"
  else
    echo "(no python3-celery: the Celery steps are left out)"
  fi

  step "Waiting for the MDBs"
  local expected
  for expected in "Got feed import message for: http://cnn.com/rss/edition.rss" \
      "Got media message from queue video: name=/tmp/lolcat1.avi size=1301013" \
      "Got media message from queue image: name=/tmp/lolcat1.jpg" \
      "Got stocks message with routing key usd.stock:" \
      "Got stocks message with routing key eur.stock.db:" \
      "Handled order 42" \
      "Answered price request for tea: 3.5" \
      "user signed up"; do
    wait_for 30 "'$expected' in $LOG" logged "$expected"
  done
  [[ -z $kombu_expected ]] || wait_for 30 "'$kombu_expected' in $LOG" logged "$kombu_expected"
  [[ -z $celery_expected ]] || wait_for 30 "'$celery_expected' in $LOG" logged "$celery_expected"
  ! logged "routing key stock.nasdaq" || fail "stock.nasdaq reached stock-watch, whose binding is *.stock.#"
  echo "all expected messages arrived; stock.nasdaq did not (it matches no binding)"

  step "What the examples logged ($LOG)"
  # WildFly writes one line per record; Payara a header line ending in "[[" and the message on the
  # next lines, up to "]]"; Open Liberty one line, the logger without brackets before the level
  awk -v mark="$LOG_MARK" '
    NR <= mark { next }
    message { line = $0; sub(/^ +/, "", line); if (sub(/\]\]$/, "", line)) message = 0; print logger ": " line; next }
    / io\.warren\.examples\.[A-Za-z0-9_.$]+ +[IWE] / { print; next }
    match($0, /\[io\.warren\.examples\.[A-Za-z0-9_.$]+\]/) {
      if ($0 ~ /\[\[$/) { logger = substr($0, RSTART + 1, RLENGTH - 2); message = 1 } else print
    }' "$LOG"
}
