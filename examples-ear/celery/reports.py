"""The Python side of the Celery examples (examples.sh runs both):

  python3 -m celery -A reports worker -Q reports      the worker ReportService's EJB sends reports.add to
  python3 reports.py charge acme 1250                 a client calling the Java MDB Billing's billing.charge
"""
import sys

from celery import Celery

app = Celery('reports', broker='amqp://guest:guest@127.0.0.1:5672//', backend='rpc://')
app.conf.update(task_default_queue='reports', worker_enable_remote_control=False)


@app.task(name='reports.add')
def add(x, y):
    return x + y


if __name__ == '__main__':
    if len(sys.argv) != 4 or sys.argv[1] != 'charge':
        sys.exit('usage: reports.py charge <account> <cents>')
    result = app.send_task('billing.charge', args=[sys.argv[2], int(sys.argv[3])], queue='billing')
    print(result.get(timeout=30))
