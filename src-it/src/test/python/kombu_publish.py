"""A real kombu publisher for src-it's KombuMdbTest.

    python3 kombu_publish.py [--compression=zstd] [--traceparent=00-TRACE-SPAN-01] MESSAGE_ID QUEUE [QUEUE ...]

Publishes one JSON message, with integer headers beyond 32 bits, to each queue through the default
exchange with publisher confirms, with a W3C traceparent header when asked (as kombu with an
OpenTelemetry instrumentation sends it), compressed when asked (zstd needs Debian's python3-zstandard), and prints one JSON object on stdout: the headers sent, the table type
py-amqp wrote for each (the test holds that the wide ones are 'L', which the RabbitMQ Java client alone
cannot read), and kombu's and py-amqp's versions. Runs with Debian's python3-kombu against 127.0.0.1:5672.
"""
import json
import sys

import amqp
import kombu
from amqp.serialization import _write_table
from kombu import Connection, Producer

BROKER = 'amqp://guest:guest@127.0.0.1:5672//'
# issue #31: a millisecond timestamp and integers beyond 32 bits, both signs; 'small' fits 32 bits ('I')
HEADERS = {'ts': 1733560000000, 'big': 2 ** 40, 'neg': -2 ** 40, 'small': 42}
BODY = {'from': 'kombu', 'n': 2 ** 40}


def written_types(headers):
    """The table type py-amqp writes for each header, read back from its own serialization of the table."""
    parts = []
    _write_table(headers, parts.append, [])
    table = b''.join(parts)
    types = {}
    for name in headers:
        key = bytes([len(name)]) + name.encode('utf-8')
        types[name] = chr(table[table.index(key) + len(key)])
    return types


def main(argv):
    compression = None
    headers = dict(HEADERS)
    while argv and argv[0].startswith('--'):
        option, value = argv[0][2:].split('=', 1)
        if option == 'compression':
            compression = value
        elif option == 'traceparent':
            headers['traceparent'] = value
        else:
            print(__doc__, file=sys.stderr)
            return 2
        argv = argv[1:]
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    if compression == 'zstd':
        # kombu registers zstd only when the module imports; without it publish fails with a bare KeyError
        try:
            import zstandard  # noqa: F401
        except ImportError:
            raise SystemExit('kombu cannot compress with zstd: apt-get install python3-zstandard')
    message_id, queues = argv[0], argv[1:]
    # confirm_publish: publish returns once the broker has the message, so the test waits on nothing else
    with Connection(BROKER, transport_options={'confirm_publish': True}) as connection:
        producer = Producer(connection.default_channel)
        for queue in queues:
            producer.publish(BODY, exchange='', routing_key=queue, serializer='json', headers=headers,
                             message_id=message_id, retry=False, compression=compression)
    print(json.dumps({'sent': message_id, 'queues': queues, 'headers': headers,
                      'types': written_types(HEADERS), 'kombu': kombu.__version__, 'amqp': amqp.__version__}))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
