"""The client's own behaviour, without hilnas: SSE parsing, batching, retries, errors,
reconnection. A small in-process HTTP server plays the parts of the API these need (what it
answers is written here, per test); test_live.py runs the client against a real hilnas serve."""

import http.server
import json
import threading
import unittest

import hilnas_client as hil


class SseParserTest(unittest.TestCase):
    def test_parses_events_comments_multiline_data_ids_and_retry(self):
        parser = hil.SseParser()
        lines = [
            ": connected",
            "event: frontier",
            'data: {"target":"a/b",',
            'data: "version":3}',
            "id: 7",
            "retry: 2500",
            "",
            ": heartbeat",
            "",
            "data:plain text",
            "",
        ]
        events = [e for e in map(parser.feed, lines) if e is not None]

        self.assertEqual(2, len(events))
        self.assertEqual("frontier", events[0].event)
        self.assertEqual({"target": "a/b", "version": 3}, events[0].data)
        self.assertEqual("7", events[0].id)
        self.assertEqual("message", events[1].event)
        self.assertEqual("plain text", events[1].data)
        self.assertEqual("7", events[1].id, "the last event id carries over")
        self.assertEqual(2500, parser.retry_ms)

    def test_a_broken_connection_drops_the_half_received_event(self):
        parser = hil.SseParser()
        parser.feed("event: frontier")
        parser.feed('data: {"half":')
        parser.reset()
        self.assertIsNone(parser.feed(""))
        parser.feed("data: 1")
        self.assertEqual(hil.Event("message", 1, None), parser.feed(""))


class MeasurementTest(unittest.TestCase):
    def test_the_latency_is_the_median_of_the_samples_and_optional_fields_only_when_given(self):
        line = hil.measurement(
            candidate={"layers": 2},
            hardware="pixel8-cpu",
            runtime="executorch",
            phase="DECODE",
            context_length=512,
            samples_ms=[3.0, 1.0, 2.0, 10.0, 2.5],
            precision="int8",
        )
        self.assertEqual(2.5, line["latencyMs"])
        self.assertEqual("int8", line["precision"])
        self.assertNotIn("candidateId", line)
        self.assertTrue(line["measuredAt"].endswith("Z"), line["measuredAt"])

    def test_time_ms_warms_up_then_times_each_run(self):
        calls = []
        samples = hil.time_ms(lambda: calls.append(1), warmup=3, runs=4)
        self.assertEqual(7, len(calls))
        self.assertEqual(4, len(samples))
        self.assertTrue(all(s >= 0 for s in samples))


class _Stub(http.server.ThreadingHTTPServer):
    """Answers each request with the next of its scripted answers and records the requests."""

    daemon_threads = True

    def __init__(self, answers):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answers = list(answers)
        self.requests = []

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.server_address[1]


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.requests.append((self.command, self.path, headers, body))
        status, headers, payload = self.server.answers.pop(0)
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if isinstance(payload, list):  # an event stream: write the chunks, then close
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for chunk in payload:
                self.wfile.write(chunk.encode())
                self.wfile.flush()
            self.close_connection = True
            return
        data = json.dumps(payload).encode()
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = _answer
    do_POST = _answer


class WithStub(unittest.TestCase):
    def stub(self, *answers):
        server = _Stub(answers)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return server


class IngestTest(WithStub):
    def test_splits_into_batches_and_numbers_errors_over_the_whole_post(self):
        ok = {"accepted": 2, "duplicates": 0, "invalid": 0, "errors": []}
        bad = {"accepted": 1, "duplicates": 1, "invalid": 1, "errors": [{"line": 2, "reason": "x"}]}
        one = {"accepted": 1, "duplicates": 0, "invalid": 0, "errors": []}
        server = self.stub((200, {}, ok), (200, {}, bad), (200, {}, one))
        client = hil.Client(server.url, token="hil_t")

        result = client.post_measurements(
            [{"n": 1}, "", {"n": 2}, '{"n": 3}', "not json", {"n": 5}], batch_size=2
        )

        self.assertEqual(hil.IngestResult(4, 1, 1, [{"line": 4, "reason": "x"}]), result)
        self.assertEqual(3, len(server.requests), "5 non-blank lines in batches of 2")
        method, path, headers, body = server.requests[0]
        self.assertEqual(("POST", "/api/v1/measurements"), (method, path))
        self.assertEqual("Bearer hil_t", headers["authorization"])
        self.assertEqual("application/x-ndjson", headers["content-type"])
        self.assertEqual(b'{"n": 1}\n{"n": 2}\n', body)

    def test_retries_after_429_and_raises_the_servers_message_otherwise(self):
        ok = {"accepted": 1, "duplicates": 0, "invalid": 0, "errors": []}
        server = self.stub(
            (429, {"Retry-After": "0"}, {"error": "Kafka is behind"}),
            (200, {}, ok),
            (403, {}, {"error": "line 1: device d may report for [a/b], not c/d"}),
        )
        client = hil.Client(server.url, token="hil_t")

        self.assertEqual(1, client.post_measurements([{"n": 1}]).accepted)
        with self.assertRaises(hil.HilnasError) as raised:
            client.post_measurements([{"n": 1}])
        self.assertEqual(403, raised.exception.status)
        self.assertEqual("line 1: device d may report for [a/b], not c/d", raised.exception.error)
        self.assertEqual(hil.IngestResult(), raised.exception.partial)

    def test_needs_a_token(self):
        with self.assertRaises(ValueError):
            hil.Client("http://127.0.0.1:9").post_measurements([{"n": 1}])


class ReadTest(WithStub):
    def test_keeps_the_slashes_of_a_target_and_encodes_the_query(self):
        server = self.stub((200, {}, {"points": []}), (404, {}, {"error": "no frontier"}))
        client = hil.Client(server.url + "/")

        client.frontier("hw/rt/q4_0", "PREFILL@512")
        with self.assertRaises(hil.HilnasError) as raised:
            client.best("hw/rt", "DECODE@512", 10)

        self.assertEqual("/api/v1/frontiers/hw/rt/q4_0?objective=PREFILL%40512", server.requests[0][1])
        self.assertEqual(
            "/api/v1/frontiers/hw/rt/best?objective=DECODE%40512&maxLatencyMs=10.0",
            server.requests[1][1],
        )
        self.assertEqual((404, "no frontier"), (raised.exception.status, raised.exception.error))


class StreamTest(WithStub):
    def test_reconnects_with_the_last_event_id_and_after_a_503(self):
        server = self.stub(
            (200, {}, [": connected\n\n", "retry: 10\nid: 41\nevent: frontier\ndata: {\"v\":1}\n\n"]),
            (503, {}, {"error": "the frontier stream has its 64 subscribers; retry later"}),
            (200, {}, ["event: frontier\n", "data: {\"v\":2}\n\n"]),
        )
        client = hil.Client(server.url)

        events = list(client.stream_frontiers(target="a/b", max_reconnects=2))

        self.assertEqual([{"v": 1}, {"v": 2}], [e.data for e in events])
        self.assertEqual("/api/v1/stream/frontiers?target=a%2Fb", server.requests[0][1])
        self.assertNotIn("last-event-id", server.requests[0][2])
        self.assertEqual("41", server.requests[1][2]["last-event-id"])
        self.assertEqual("41", server.requests[2][2]["last-event-id"])

    def test_without_reconnect_a_refusal_is_an_error(self):
        server = self.stub((404, {}, {"error": "nothing at /x"}))
        with self.assertRaises(hil.HilnasError) as raised:
            next(hil.Client(server.url).stream_frontiers(reconnect=False))
        self.assertEqual(404, raised.exception.status)


if __name__ == "__main__":
    unittest.main()
