"""A real kombu on the other side of a queue, for Warren's KombuInteropTest.

    python3 kombu_peer.py send QUEUE          publish every kombu case to QUEUE
    python3 kombu_peer.py receive QUEUE N     take N messages Warren published to QUEUE, with
                                              kombu's default accept list, and check each

Both commands print one JSON object on stdout. Each message's id names its case; the Java test
holds the same cases. Runs with Debian's python3-kombu (5.2) against 127.0.0.1:5672.
"""
import datetime
import decimal
import json
import sys
import time

from kombu import Connection, Producer, Queue

BROKER = 'amqp://guest:guest@127.0.0.1:5672//'

NESTED = {
    'name': 'Zoë ☃ 雪',
    'big': 2 ** 70,
    'long': 2 ** 53 + 1,
    'negative': -12345678901234567890,
    'float': 2.5,
    'flag': True,
    'nothing': None,
    'list': [1, 'two', [3]],
    'nested': {'deeper': {'k': 'v'}},
}
TEXT = 'plain text — ünïcode ☃'
APPLICATION_TEXT = 'application text ☃'
DATA = bytes(range(256))
# every type py-amqp writes into a header table but integers beyond 32 bits, which are WIDE_INTEGERS
HEADERS = {
    'string': 'héllo',
    'int': 42,
    'negative': -7,
    'float': 2.5,
    'true': True,
    'false': False,
    'none': None,
    'decimal': decimal.Decimal('3.14'),
    'timestamp': datetime.datetime(2026, 11, 30, 12, 0, 0),
    'list': [1, 'two', 2.5],
    'table': {'inner': 'value', 'number': 1},
}
# py-amqp writes integers beyond 32 bits with the type 'L', which the RabbitMQ Java client alone cannot
# read (it fails the connection): Warren translates them as it reads the frame (docs/interop.md)
WIDE_INTEGERS = {
    'ts': 1733560000000,
    'big': 2 ** 40,
    'neg': -2 ** 40,
    'table': {'wide': 2 ** 62},
    'list': [-2 ** 62, 2 ** 40],
}
PROPERTIES = {'priority': 7, 'correlation_id': 'corr-42', 'reply_to': 'replies.here'}


def kombu_cases():
    """What kombu publishes, by case id: the keyword arguments of Producer.publish."""
    return {
        'json-nested': dict(body=NESTED, serializer='json'),
        'text': dict(body=TEXT),
        'data': dict(body=DATA),
        'json-zlib': dict(body=NESTED, serializer='json', compression='zlib'),
        'json-bzip2': dict(body=NESTED, serializer='json', compression='bzip2'),
        'json-lzma': dict(body=NESTED, serializer='json', compression='lzma'),
        'data-zlib': dict(body=DATA, compression='zlib'),
        'json-latin-1': dict(body=json.dumps({'name': 'Zoë'}, ensure_ascii=False).encode('latin-1'),
                             content_type='application/json', content_encoding='latin-1'),
        'application-text': dict(body=APPLICATION_TEXT.encode('utf-8'), content_type='application/text',
                                 content_encoding='utf-8'),
        'headers': dict(body={'with': 'headers'}, serializer='json', headers=HEADERS),
        'json-wide-integers': dict(body={'with': 'wide integers'}, serializer='json', headers=WIDE_INTEGERS),
        'properties': dict(body={'with': 'properties'}, serializer='json', expiration=60, **PROPERTIES),
        'pickle': dict(body={'refused': True}, serializer='pickle'),
        # kombu 5.2 on Debian has no zstandard module: name the compression by hand, as a newer kombu would
        'zstd': dict(body=b'(zstd frame)', content_type='application/data', content_encoding='binary',
                     headers={'compression': 'application/zstd'}),
    }


def warren_expectations():
    """What kombu must decode from Warren's messages, by case id: payload, content type, compression."""
    json_type = 'application/json'
    return {
        'json-nested': (NESTED, json_type, None),
        'text': (TEXT, 'text/plain', None),
        'data': (DATA, 'application/data', None),
        'json-zlib': (NESTED, json_type, 'application/x-gzip'),
        'json-bzip2': (NESTED, json_type, 'application/x-bz2'),
        'json-lzma': (NESTED, json_type, 'application/x-lzma'),
        'data-zlib': (DATA, 'application/data', 'application/x-gzip'),
        'application-text': (APPLICATION_TEXT, 'application/text', None),
        'headers': ({'with': 'headers'}, json_type, None),
        'properties': ({'with': 'properties'}, json_type, None),
    }


def send(queue):
    with Connection(BROKER) as connection:
        producer = Producer(connection.default_channel)
        sent = []
        for case, arguments in kombu_cases().items():
            producer.publish(routing_key=queue, exchange='', message_id=case, retry=False, **arguments)
            sent.append(case)
    return {'sent': sent}


def check(message, expected):
    payload, content_type, compression = expected
    problems = []
    decoded = message.payload  # kombu's default accept list: Consumer(accept=None)
    if decoded != payload:
        problems.append(f'payload {decoded!r} != {payload!r}')
    if message.content_type != content_type:
        problems.append(f'content_type {message.content_type!r} != {content_type!r}')
    if message.headers.get('compression') != compression:
        problems.append(f"compression header {message.headers.get('compression')!r} != {compression!r}")
    case = message.properties.get('message_id')
    if case == 'data' and message.content_encoding != 'binary':
        problems.append(f'content_encoding {message.content_encoding!r} != binary')
    if case == 'headers':
        headers = dict(message.headers)
        expected_headers = dict(HEADERS, long=2 ** 40, bytes=b'\x00\xff')
        if headers != expected_headers:
            problems.append(f'headers {headers!r} != {expected_headers!r}')
    if case == 'properties':
        for name, value in dict(PROPERTIES, expiration='60000').items():
            if message.properties.get(name) != value:
                problems.append(f'{name} {message.properties.get(name)!r} != {value!r}')
    return problems


def receive(queue, count, seconds=60):
    expectations = warren_expectations()
    results = {}
    deadline = time.monotonic() + seconds
    with Connection(BROKER) as connection:
        source = Queue(queue, no_declare=True)(connection.default_channel)
        while len(results) < count and time.monotonic() < deadline:
            message = source.get(no_ack=False)
            if message is None:
                time.sleep(0.05)
                continue
            case = message.properties.get('message_id')
            try:
                results[case] = check(message, expectations[case]) if case in expectations \
                    else [f'unexpected case {case!r}']
            except Exception as error:  # a decode error is a result to report, not a crash
                results[case] = [f'{type(error).__name__}: {error}']
            message.ack()
    return {'received': len(results), 'results': results}


def main(argv):
    if len(argv) >= 2 and argv[0] == 'send':
        report = send(argv[1])
    elif len(argv) >= 3 and argv[0] == 'receive':
        report = receive(argv[1], int(argv[2]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
