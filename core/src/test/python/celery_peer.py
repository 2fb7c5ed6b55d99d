"""Celery's side of Warren's Celery interop tests (CeleryInteropTest), with Debian's python3-celery.

As a worker's app (python3 -m celery -A celery_peer worker -Q <queue>, the queue in
WARREN_CELERY_QUEUE): tasks Java sends to. As a client (python3 celery_peer.py call <queue> <task>
<args json> <kwargs json>): calls a task served by a Java MDB and prints one JSON line, the result
or the exception raised.
"""
import json
import os
import sys
import time

from celery import Celery

BROKER = os.environ.get('WARREN_CELERY_BROKER', 'amqp://guest:guest@127.0.0.1:5672//')

app = Celery('celery_peer', broker=BROKER, backend='rpc://')
app.conf.update(
    task_default_queue=os.environ.get('WARREN_CELERY_QUEUE', 'celery'),
    worker_hijack_root_logger=False,
    worker_enable_remote_control=False,
    # every task sends STARTED before its result: Java's client must pass it over (CeleryInteropTest)
    task_track_started=True,
)


@app.task(name='warren.add')
def add(x, y, scale=1):
    return (x + y) * scale


@app.task(name='warren.fail')
def fail(text):
    raise ValueError(text)


@app.task(name='warren.stamp')
def stamp():
    """When it ran, in milliseconds since the epoch: a countdown's test compares it with the send."""
    return int(time.time() * 1000)


@app.task(bind=True, name='warren.flaky', max_retries=3)
def flaky(self, succeed_on):
    """Retries itself until its retry number reaches succeed_on: RETRY states come before its result."""
    if self.request.retries < succeed_on:
        raise self.retry(countdown=0.1)
    return self.request.retries


@app.task(name='warren.record')
def record(value, key):
    """A linked task: stores what it was called with in a queue the test reads."""
    with app.producer_or_acquire() as producer:
        producer.publish({'value': value, 'key': key}, exchange='', routing_key=key, serializer='json')
    return value


def call(queue, task, args, kwargs):
    result = app.send_task(task, args=args, kwargs=kwargs, queue=queue)
    try:
        value = result.get(timeout=60)
        return {'result': value, 'task_id': result.id}
    except Exception as e:  # what the Java MDB's failure became in Python
        return {'error_type': type(e).__name__, 'error_module': type(e).__module__,
                'error_args': [str(a) for a in e.args], 'task_id': result.id}


if __name__ == '__main__':
    if len(sys.argv) != 6 or sys.argv[1] != 'call':
        sys.exit('usage: celery_peer.py call <queue> <task> <args json> <kwargs json>')
    print(json.dumps(call(sys.argv[2], sys.argv[3], json.loads(sys.argv[4]), json.loads(sys.argv[5]))))
