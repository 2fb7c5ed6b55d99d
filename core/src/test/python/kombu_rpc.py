"""kombu asking and answering over RabbitMQ's direct reply-to, for Warren's KombuRequestReplyTest.

    python3 kombu_rpc.py ask QUEUE N       send N requests {"question": i} to QUEUE with
                                           reply_to amq.rabbitmq.reply-to, wait for their replies
    python3 kombu_rpc.py answer QUEUE N    consume QUEUE and answer N requests with
                                           {"answer": 2 * question, "by": "kombu"}

Both print one JSON object on stdout. Runs with Debian's python3-kombu (5.2) against 127.0.0.1:5672.
"""
import json
import socket
import sys
import time

from kombu import Connection, Consumer, Producer, Queue

BROKER = 'amqp://guest:guest@127.0.0.1:5672//'
DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to'


def drain(connection, done, seconds):
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        try:
            connection.drain_events(timeout=1)
        except socket.timeout:
            pass


def ask(queue, count, seconds=60):
    replies = {}
    with Connection(BROKER) as connection:
        channel = connection.default_channel

        def on_reply(body, message):
            replies[message.properties.get('correlation_id')] = {'body': body, 'content_type': message.content_type}

        # direct reply-to: consumed with no ack, on the channel that publishes the requests
        with Consumer(channel, queues=[Queue(DIRECT_REPLY_TO, no_declare=True)], callbacks=[on_reply],
                      no_ack=True, accept=['json']):
            producer = Producer(channel)
            for i in range(count):
                producer.publish({'question': i}, exchange='', routing_key=queue, serializer='json',
                                 reply_to=DIRECT_REPLY_TO, correlation_id=f'kombu-{i}')
            drain(connection, lambda: len(replies) >= count, seconds)
    return {'replies': replies}


def answer(queue, count, seconds=60):
    answered = []
    with Connection(BROKER) as connection:
        channel = connection.default_channel
        producer = Producer(channel)

        def on_request(body, message):
            producer.publish({'answer': 2 * body['question'], 'by': 'kombu'}, exchange='',
                             routing_key=message.properties['reply_to'], serializer='json',
                             correlation_id=message.properties.get('correlation_id'))
            message.ack()
            answered.append(message.properties.get('correlation_id'))

        with Consumer(channel, queues=[Queue(queue, no_declare=True)], callbacks=[on_request], accept=['json']):
            drain(connection, lambda: len(answered) >= count, seconds)
    return {'answered': answered}


def main(argv):
    if len(argv) >= 3 and argv[0] == 'ask':
        report = ask(argv[1], int(argv[2]))
    elif len(argv) >= 3 and argv[0] == 'answer':
        report = answer(argv[1], int(argv[2]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
