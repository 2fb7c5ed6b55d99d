"""A real kombu on the other side of a queue, for Warren's KombuInteropTest.

    python3 kombu_peer.py send QUEUE [SET]        publish every kombu case of SET to QUEUE
    python3 kombu_peer.py receive QUEUE N [SET]   take N messages Warren published to QUEUE and check
                                                  each against SET's expectations

SET is 'basics' (the default: kombu's default accept list) or 'formats' (msgpack, brotli, zstd and
typed JSON, read by a consumer that accepts msgpack). Both commands print one JSON object on
stdout. Each message's id names its case; the Java tests hold the same cases. Runs with Debian's
python3-kombu (5.2) against 127.0.0.1:5672; 'formats' needs python3-msgpack, python3-brotli and
python3-zstandard, without which kombu would silently lack them, so their absence is an error.
"""
import datetime
import decimal
import importlib
import json
import sys
import time

from kombu import Connection, Producer, Queue
from kombu.serialization import prepare_accept_content

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
    }


# kombu registers msgpack, brotli and zstd only when these modules import: without them a case
# would fail with a misleading error, or kombu would publish uncompressed
FORMAT_MODULES = {'msgpack': 'python3-msgpack', 'brotli': 'python3-brotli', 'zstandard': 'python3-zstandard'}
# msgpack has no integers beyond 64 bits: NESTED without 'big' and 'negative', with bytes, which it keeps
PACKED = {
    'name': 'Zoë ☃ 雪',
    'long': 2 ** 53 + 1,
    'wide': -2 ** 63,
    'float': 2.5,
    'flag': True,
    'nothing': None,
    'bytes': b'\x00\xff',
    'list': [1, 'two', [3]],
    'nested': {'deeper': {'k': 'v'}},
}
UTC = datetime.timezone.utc
# kombu's JSON writes datetimes and dates as ISO-8601 text (datetime.isoformat)
ORDERS = [
    {'id': 'o-1', 'placed': datetime.datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC),
     'due': datetime.date(2026, 12, 7), 'lines': [{'sku': 'a', 'quantity': 2}]},
    {'id': 'o-2', 'placed': datetime.datetime(2026, 12, 1, 8, 30, 15, 250000, tzinfo=UTC),
     'due': datetime.date(2027, 1, 2), 'lines': []},
]
# what Warren writes for its records: Instant as ISO-8601 with Z, LocalDate as a date
WARREN_ORDERS = [
    {'id': 'o-1', 'placed': '2026-11-30T12:00:00Z', 'due': '2026-12-07', 'lines': [{'sku': 'a', 'quantity': 2}]},
    {'id': 'o-2', 'placed': '2026-12-01T08:30:15.250Z', 'due': '2027-01-02', 'lines': []},
]


def format_cases():
    """What kombu publishes in the formats the optional Python modules bring, by case id."""
    return {
        'msgpack': dict(body=PACKED, serializer='msgpack'),
        'msgpack-zstd': dict(body=PACKED, serializer='msgpack', compression='zstd'),
        'json-brotli': dict(body=NESTED, serializer='json', compression='brotli'),
        'json-zstd': dict(body=NESTED, serializer='json', compression='zstd'),
        'data-brotli': dict(body=DATA, compression='brotli'),
        'json-typed': dict(body=ORDERS, serializer='json'),
        'json-typed-map': dict(body={order['id']: order for order in ORDERS}, serializer='json'),
    }


def format_expectations():
    """What a kombu that accepts msgpack must decode from Warren's messages, by case id."""
    return {
        'msgpack': (PACKED, 'application/x-msgpack', None),
        'msgpack-zstd': (PACKED, 'application/x-msgpack', 'application/zstd'),
        'json-zstd': (NESTED, 'application/json', 'application/zstd'),
        'json-typed': (WARREN_ORDERS, 'application/json', None),
    }


def require_format_modules():
    missing = []
    for module, package in FORMAT_MODULES.items():
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(f'{module} (apt-get install {package})')
    if missing:
        raise SystemExit('kombu cannot use msgpack, brotli and zstd here: missing Python modules '
                         + ', '.join(missing))


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


CASES = {'basics': kombu_cases, 'formats': format_cases}
EXPECTATIONS = {'basics': warren_expectations, 'formats': format_expectations}
# the formats set is read as by Consumer(accept=['json', 'msgpack', ...]): kombu refuses msgpack otherwise
ACCEPT = {'basics': None, 'formats': prepare_accept_content(['json', 'msgpack', 'application/data'])}


def send(queue, case_set):
    with Connection(BROKER) as connection:
        producer = Producer(connection.default_channel)
        sent = []
        for case, arguments in CASES[case_set]().items():
            producer.publish(routing_key=queue, exchange='', message_id=case, retry=False, **arguments)
            sent.append(case)
    return {'sent': sent}


def check(message, expected):
    payload, content_type, compression = expected
    problems = []
    decoded = message.payload  # with the set's accept list; basics: kombu's default, Consumer(accept=None)
    if decoded != payload:
        problems.append(f'payload {decoded!r} != {payload!r}')
    if message.content_type != content_type:
        problems.append(f'content_type {message.content_type!r} != {content_type!r}')
    if message.headers.get('compression') != compression:
        problems.append(f"compression header {message.headers.get('compression')!r} != {compression!r}")
    case = message.properties.get('message_id')
    if case.startswith('json-typed'):
        for order in decoded:
            # the text kombu got is what Python reads back as the same instant
            if datetime.datetime.fromisoformat(order['placed'].replace('Z', '+00:00')).tzinfo is None:
                problems.append(f"placed {order['placed']!r} has no offset")
    if case.startswith('msgpack') and message.content_encoding != 'binary':
        problems.append(f'content_encoding {message.content_encoding!r} != binary')
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


def receive(queue, count, case_set, seconds=60):
    expectations = EXPECTATIONS[case_set]()
    results = {}
    deadline = time.monotonic() + seconds
    with Connection(BROKER) as connection:
        source = Queue(queue, no_declare=True)(connection.default_channel)
        while len(results) < count and time.monotonic() < deadline:
            message = source.get(no_ack=False, accept=ACCEPT[case_set])
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
        case_set = argv[2] if len(argv) >= 3 else 'basics'
    elif len(argv) >= 3 and argv[0] == 'receive':
        case_set = argv[3] if len(argv) >= 4 else 'basics'
    else:
        case_set = None
    if case_set not in CASES:
        print(__doc__, file=sys.stderr)
        return 2
    if case_set == 'formats':
        require_format_modules()
    report = send(argv[1], case_set) if argv[0] == 'send' else receive(argv[1], int(argv[2]), case_set)
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
