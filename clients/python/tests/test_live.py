"""The client against a running hilnas serve.

Needs HILNAS_URL (http://localhost:8080), HILNAS_TOKEN (a device token) and HILNAS_TARGET (the
device's target, e.g. py-lab/numpy-openblas-fp32), and quality evaluations in the stack (e.g.
`hilnas import examples/quality.jsonl`), so that frontiers exist. Skipped without HILNAS_URL;
app's PythonClientIT starts a stack and runs these. Measurements come from
examples/measurements-train.jsonl, moved to HILNAS_TARGET and labelled with this run's id, so a
second run against the same stack posts new measurements rather than repeats.
"""

import contextlib
import io
import json
import os
import pathlib
import queue
import sys
import threading
import time
import unittest
import uuid

import hilnas_client as hil

URL = os.environ.get("HILNAS_URL")
TOKEN = os.environ.get("HILNAS_TOKEN")
TARGET = os.environ.get("HILNAS_TARGET", "py-lab/numpy-openblas-fp32")
OBJECTIVE = os.environ.get("HILNAS_OBJECTIVE", "PREFILL@512")
EXAMPLES = pathlib.Path(__file__).resolve().parents[3] / "examples"
RUN = uuid.uuid4().hex[:8]
WAIT_S = 90


def lines(name, scale=1.0, tag=""):
    """The measurement lines of an example file, moved to TARGET and labelled with this run."""
    hardware, runtime = TARGET.split("/")[:2]
    out = []
    for text in (EXAMPLES / name).read_text().splitlines():
        m = json.loads(text)
        m["hardware"], m["runtime"] = hardware, runtime
        m["candidateId"] = "%s-%s%s" % (m["candidateId"], RUN, tag)
        m["latencyMs"] = m["latencyMs"] * scale
        m["samplesMs"] = [s * scale for s in m.get("samplesMs", [])]
        out.append(m)
    return out


def until(what, probe, timeout=WAIT_S):
    """probe() until it returns something true (HilnasError counts as not yet); that value."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            value = probe()
            if value:
                return value
            last = value
        except hil.HilnasError as e:
            last = e
        time.sleep(0.25)
    raise AssertionError("%s: not within %d s (last: %s)" % (what, timeout, last))


@unittest.skipUnless(URL and TOKEN, "no hilnas to test against: set HILNAS_URL and HILNAS_TOKEN")
class LiveTest(unittest.TestCase):
    client: hil.Client
    counted = 0  # what the model counted before this run, plus what this run got accepted since

    @classmethod
    def setUpClass(cls):
        cls.client = hil.Client(URL, token=TOKEN)
        until("the stack is UP", lambda: cls.client.health()["status"] == "UP")
        try:
            cls.counted = cls.client.model(TARGET)["measurements"]
        except hil.HilnasError as e:
            if e.status != 404:
                raise
        result = cls.post(lines("measurements-train.jsonl"))
        if result.accepted != 120:
            raise AssertionError("the training lines were not all accepted: %s" % result)
        until(
            "a model of the 120 training lines",
            lambda: cls.client.model(TARGET)["measurements"] >= 120,
        )

    @classmethod
    def post(cls, measurements, **kwargs):
        result = cls.client.post_measurements(measurements, **kwargs)
        LiveTest.counted += result.accepted
        return result

    def count(self):
        return self.client.model(TARGET)["measurements"]

    def test_a_posted_measurement_shows_up_in_the_models_count(self):
        until("the earlier posts counted", lambda: self.count() == LiveTest.counted)
        line = hil.measurement(
            candidate=json.loads((EXAMPLES / "candidate.json").read_text()),
            hardware=TARGET.split("/")[0],
            runtime=TARGET.split("/")[1],
            phase="DECODE",
            context_length=1024,
            samples_ms=hil.time_ms(lambda: sum(range(20000)), warmup=1, runs=3),
            candidate_id="count-" + RUN,
            environment={"client": "python"},
        )

        result = self.post([line])
        again = self.post([line])

        self.assertEqual(hil.IngestResult(1, 0, 0, []), result)
        self.assertEqual(hil.IngestResult(0, 1, 0, []), again, "a retried post counts nothing twice")
        until("the count to grow by one", lambda: self.count() == LiveTest.counted)
        time.sleep(1)
        self.assertEqual(LiveTest.counted, self.count(), "the repeat is not counted")

    def test_the_timing_loop_example_posts_a_measurement_per_objective(self):
        sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "examples"))
        import time_loop

        hardware, runtime = TARGET.split("/")[:2]
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            exit_code = time_loop.main(
                ["--url", URL, "--token", TOKEN, "--hardware", hardware, "--runtime", runtime,
                 "--candidate", str(EXAMPLES / "candidate.json"), "--objectives",
                 "PREFILL@64,DECODE@256", "--runs", "3"]
            )
        self.assertEqual(0, exit_code)
        answer = json.loads(out.getvalue())
        self.assertEqual(2, answer["accepted"] + answer["duplicates"], answer)
        LiveTest.counted += answer["accepted"]

    def test_a_bad_line_is_reported_and_a_batch_of_only_bad_lines_refused(self):
        good = lines("measurements-test.jsonl", tag="-bad")[0]
        broken = dict(good, latencyMs=-1.0)

        result = self.post([good, "not json", broken])

        self.assertEqual(1, result.accepted)
        self.assertEqual(2, result.invalid)
        self.assertEqual([2, 3], [e["line"] for e in result.errors])
        self.assertIn("latencyMs", result.errors[1]["reason"])
        with self.assertRaises(hil.HilnasError) as refused:
            self.client.post_measurements(["not json"])
        self.assertEqual(400, refused.exception.status)
        self.assertIn("no valid line", refused.exception.error)
        with self.assertRaises(hil.HilnasError) as stranger:
            self.client.post_measurements([good], token="hil_" + "0" * 48)
        self.assertEqual((401, "unknown token"), (stranger.exception.status, stranger.exception.error))
        with self.assertRaises(hil.HilnasError) as foreign:
            self.client.post_measurements([dict(good, hardware="elsewhere")])
        self.assertEqual(403, foreign.exception.status)

    def test_predict_returns_a_latency_within_its_interval(self):
        candidate = json.loads((EXAMPLES / "candidate.json").read_text())

        one = self.client.predict(TARGET, "DECODE", 1024, candidate)
        many = self.client.predict_many(
            [
                {"target": TARGET, "phase": "PREFILL", "contextLength": n, "candidate": candidate}
                for n in (128, 1024)
            ]
        )

        self.assertEqual(TARGET, one["target"])
        self.assertTrue(0 < one["low"] <= one["latencyMs"] <= one["high"], one)
        self.assertEqual(2, len(many))
        self.assertLess(many[0]["latencyMs"], many[1]["latencyMs"], "a longer prompt takes longer")
        with self.assertRaises(hil.HilnasError) as bad:
            self.client.predict(TARGET, "DECODE", 0, candidate)
        self.assertEqual(400, bad.exception.status)
        self.assertIn("contextLength", bad.exception.error)

    def test_reads_targets_the_model_and_the_frontier(self):
        self.assertIn(TARGET, [t["target"] for t in self.client.targets()])
        model = self.client.model(TARGET)
        self.assertEqual({"PREFILL", "DECODE"}, set(model["phases"]))

        frontier = until(
            "a frontier (are evaluations imported?)", lambda: self.client.frontier(TARGET, OBJECTIVE)
        )
        every = self.client.frontier(TARGET)

        self.assertEqual(OBJECTIVE, frontier["objective"])
        latencies = [p["latencyMs"] for p in frontier["points"]]
        self.assertTrue(latencies, frontier)
        self.assertEqual(sorted(latencies), latencies, "fastest first")
        self.assertIn(OBJECTIVE, [f["objective"] for f in every])
        best = self.client.best(TARGET, OBJECTIVE, latencies[-1])
        self.assertLessEqual(best["point"]["latencyMs"], latencies[-1])
        with self.assertRaises(hil.HilnasError) as none:
            self.client.model("no-such/target")
        self.assertEqual(404, none.exception.status)

    def test_a_frontier_update_arrives_on_the_stream(self):
        until("a frontier to update", lambda: self.client.frontier(TARGET, OBJECTIVE))
        events = queue.Queue()
        stop = threading.Event()

        def follow():
            try:
                for event in self.client.stream_frontiers(target=TARGET, objective=OBJECTIVE):
                    events.put(event)
                    if stop.is_set():
                        return
            except Exception as e:  # surfaced to the test below
                events.put(e)

        threading.Thread(target=follow, daemon=True).start()
        time.sleep(1)  # subscribed before the update
        # slower measurements of the held-out candidates: the model is refitted and the
        # predicted latencies on the frontier move
        posted = self.post(lines("measurements-test.jsonl", 1.5, "-slow"))
        self.assertEqual(40, posted.accepted)

        event = events.get(timeout=WAIT_S)
        stop.set()
        self.assertNotIsInstance(event, Exception)
        self.assertEqual("frontier", event.event)
        self.assertEqual(TARGET, event.data["target"])
        self.assertEqual(OBJECTIVE, event.data["objective"])
        self.assertTrue(event.data["points"])


if __name__ == "__main__":
    unittest.main()
