"""A client for the hilnas HTTP API, on the Python standard library alone.

Post latency measurements with a device token, predict latencies, read latency models and Pareto
frontiers, and follow frontier updates as they happen. The API is described in docs/http-api.md
of the hilnas repository; this module follows it:

    import hilnas_client as hil

    client = hil.Client("http://localhost:8080", token="hil_...")
    samples = hil.time_ms(lambda: model(tokens), warmup=2, runs=5)
    line = hil.measurement(candidate=arch, hardware="pixel8-cpu", runtime="executorch",
                           phase="PREFILL", context_length=512, samples_ms=samples)
    result = client.post_measurements([line])      # IngestResult(accepted=1, ...)

Every call that the server answers with a 4xx or 5xx raises HilnasError, which carries the status
and the server's own message ({"error": "..."} in the body).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import socket
import statistics
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Union

__all__ = [
    "Client",
    "Event",
    "HilnasError",
    "IngestResult",
    "SseParser",
    "measurement",
    "time_ms",
]

# The server refuses an ingest body over 8 MiB (413); stay well below it.
MAX_BATCH_BYTES = 4 * 1024 * 1024


class HilnasError(Exception):
    """The server answered with a 4xx or 5xx status.

    status: the HTTP status; error: the server's message (the "error" field of its JSON answer,
    else the raw body); retry_after: seconds from a Retry-After header, or None; partial: for a
    batched post, the IngestResult of the batches accepted before this one failed.
    """

    def __init__(self, status: int, error: str, url: str, retry_after: Optional[float] = None):
        super().__init__(f"HTTP {status} from {url}: {error}")
        self.status = status
        self.error = error
        self.url = url
        self.retry_after = retry_after
        self.partial: Optional[IngestResult] = None


@dataclasses.dataclass
class IngestResult:
    """What ingest answered, summed over the batches of one post.

    errors: [{"line": K, "reason": "..."}], K counting the posted measurements from 1 over all
    batches (blank lines not counted, as the server counts them).
    """

    accepted: int = 0
    duplicates: int = 0
    invalid: int = 0
    errors: List[Dict[str, Any]] = dataclasses.field(default_factory=list)

    def add(self, answer: Dict[str, Any], line_offset: int) -> None:
        self.accepted += int(answer.get("accepted", 0))
        self.duplicates += int(answer.get("duplicates", 0))
        self.invalid += int(answer.get("invalid", 0))
        for error in answer.get("errors", []):
            self.errors.append({"line": int(error["line"]) + line_offset, "reason": error["reason"]})


@dataclasses.dataclass
class Event:
    """One server-sent event. data is the parsed JSON when it parses, else the text."""

    event: str
    data: Any
    id: Optional[str] = None


def time_ms(fn: Callable[[], Any], warmup: int = 2, runs: int = 5) -> List[float]:
    """Calls fn warmup times untimed, then runs times timed; the samples in milliseconds."""
    if runs < 1 or warmup < 0:
        raise ValueError("runs must be >= 1 and warmup >= 0")
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        fn()
        samples.append((time.perf_counter_ns() - start) / 1e6)
    return samples


def measurement(
    *,
    candidate: Dict[str, Any],
    hardware: str,
    runtime: str,
    phase: str,
    context_length: int,
    samples_ms: List[float],
    precision: Optional[str] = None,
    candidate_id: Optional[str] = None,
    measurement_id: Optional[str] = None,
    agent_id: Optional[str] = None,
    measured_at: Optional[datetime.datetime] = None,
    threads: Optional[int] = None,
    environment: Optional[Dict[str, str]] = None,
) -> Dict[str, Any]:
    """A measurement line (docs/contracts.md, "Measurement line"): latencyMs is the median of
    samples_ms, measuredAt now unless given. The server checks it; this function does not."""
    if not samples_ms:
        raise ValueError("samples_ms must hold at least one sample")
    when = measured_at or datetime.datetime.now(datetime.timezone.utc)
    line: Dict[str, Any] = {
        "candidate": candidate,
        "hardware": hardware,
        "runtime": runtime,
        "phase": phase,
        "contextLength": int(context_length),
        "latencyMs": statistics.median(samples_ms),
        "samplesMs": list(samples_ms),
        "measuredAt": when.astimezone(datetime.timezone.utc).isoformat().replace("+00:00", "Z"),
    }
    optional = {
        "precision": precision,
        "candidateId": candidate_id,
        "measurementId": measurement_id,
        "agentId": agent_id,
        "threads": threads,
        "environment": environment,
    }
    line.update({k: v for k, v in optional.items() if v is not None})
    return line


class SseParser:
    """Turns the lines of a text/event-stream into Events (the WHATWG rules: comments, data lines
    joined by newlines, id and retry fields, a blank line ends an event)."""

    def __init__(self) -> None:
        self.last_event_id: Optional[str] = None
        self.retry_ms: Optional[int] = None
        self._event = ""
        self._data: List[str] = []

    def feed(self, line: str) -> Optional[Event]:
        """One line without its line break; the Event it completes, if any."""
        if line == "":
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        elif name == "id" and "\0" not in value:
            self.last_event_id = value
        elif name == "retry" and value.isdigit():
            self.retry_ms = int(value)
        return None

    def reset(self) -> None:
        """Drops a half-received event, as a broken connection does."""
        self._event = ""
        self._data = []

    def _dispatch(self) -> Optional[Event]:
        if not self._data:
            self._event = ""
            return None
        text = "\n".join(self._data)
        try:
            data: Any = json.loads(text)
        except ValueError:
            data = text
        event = Event(self._event or "message", data, self.last_event_id)
        self.reset()
        return event


class Client:
    """The hilnas HTTP API at url (e.g. http://localhost:8080).

    token: a device token (hil_...) for post_measurements; timeout: seconds per request;
    retries: how often a post refused with 429 or 503 is tried again after its Retry-After
    (safe: the server drops measurements it has already accepted).
    """

    def __init__(
        self,
        url: str = "http://localhost:8080",
        token: Optional[str] = None,
        timeout: float = 30.0,
        retries: int = 5,
    ) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.retries = retries

    # --- reading -------------------------------------------------------------------------------

    def health(self) -> Dict[str, Any]:
        """GET /healthz: {"status": "UP"} or {"status": "DOWN"} (a 503 is an answer here)."""
        try:
            return self._json("GET", "/healthz")
        except HilnasError as e:
            if e.status == 503:
                return {"status": "DOWN"}
            raise

    def targets(self) -> List[Dict[str, Any]]:
        """GET /api/v1/targets: every target's latency model, summarised."""
        return self._json("GET", "/api/v1/targets")

    def model(self, target: str) -> Dict[str, Any]:
        """GET /api/v1/models/{target}: summary, accuracy and prices per phase."""
        return self._json("GET", "/api/v1/models/" + _path(target))

    def frontier(self, target: str, objective: Optional[str] = None) -> Any:
        """GET /api/v1/frontiers/{target}: the frontier of objective (PREFILL@512), or without
        it a list of every frontier of the target."""
        query = {"objective": objective} if objective else None
        return self._json("GET", "/api/v1/frontiers/" + _path(target), query=query)

    def best(self, target: str, objective: str, max_latency_ms: float) -> Dict[str, Any]:
        """GET /api/v1/frontiers/{target}/best: the best frontier point within the budget."""
        query = {"objective": objective, "maxLatencyMs": repr(float(max_latency_ms))}
        return self._json("GET", "/api/v1/frontiers/" + _path(target) + "/best", query=query)

    # --- predict -------------------------------------------------------------------------------

    def predict(
        self, target: str, phase: str, context_length: int, candidate: Dict[str, Any]
    ) -> Dict[str, Any]:
        """POST /api/v1/predict for one candidate: latencyMs, its 90% interval low..high,
        modelVersion."""
        body = {
            "target": target,
            "phase": phase,
            "contextLength": int(context_length),
            "candidate": candidate,
        }
        return self._json("POST", "/api/v1/predict", body=json.dumps(body).encode())

    def predict_many(self, requests: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
        """POST /api/v1/predict with a list of request objects ({"target", "phase",
        "contextLength", "candidate"}); one answer per request, in order."""
        return self._json("POST", "/api/v1/predict", body=json.dumps(list(requests)).encode())

    # --- ingest --------------------------------------------------------------------------------

    def post_measurements(
        self,
        measurements: Iterable[Union[Dict[str, Any], str]],
        token: Optional[str] = None,
        batch_size: int = 1000,
    ) -> IngestResult:
        """POST /api/v1/measurements as JSONL, in batches of at most batch_size lines (and 4 MiB).

        measurements: measurement dicts (see measurement()) or JSON lines as strings, which go as
        they are. Invalid lines come back in the result's errors, line numbers counted over all
        of measurements. Raises HilnasError for a refused batch (400 when none of its lines is
        valid, 401, 403, 413, ...), with .partial holding what the earlier batches achieved.
        """
        token = token or self.token
        if not token:
            raise ValueError("post_measurements needs a device token (hilnas device add)")
        result = IngestResult()
        batch: List[bytes] = []
        size = 0
        offset = 0
        for m in measurements:
            line = (m if isinstance(m, str) else json.dumps(m)).strip()
            if not line:
                continue  # the server skips blank lines; so line numbers agree
            encoded = line.encode()
            if batch and (len(batch) >= batch_size or size + len(encoded) + 1 > MAX_BATCH_BYTES):
                offset = self._post_batch(batch, token, result, offset)
                batch, size = [], 0
            batch.append(encoded)
            size += len(encoded) + 1
        if batch:
            self._post_batch(batch, token, result, offset)
        return result

    def _post_batch(self, lines: List[bytes], token: str, result: IngestResult, offset: int) -> int:
        body = b"\n".join(lines) + b"\n"
        headers = {
            "Authorization": "Bearer " + token,
            "Content-Type": "application/x-ndjson",
        }
        for attempt in range(self.retries + 1):
            try:
                answer = self._json("POST", "/api/v1/measurements", body=body, headers=headers)
                break
            except HilnasError as e:
                if e.status in (429, 503) and attempt < self.retries:
                    time.sleep(e.retry_after if e.retry_after is not None else 1.0)
                    continue
                e.partial = result
                raise
        result.add(answer, offset)
        return offset + len(lines)

    # --- the event stream ----------------------------------------------------------------------

    def stream_frontiers(
        self,
        target: Optional[str] = None,
        objective: Optional[str] = None,
        reconnect: bool = True,
        max_reconnects: Optional[int] = None,
        read_timeout: float = 60.0,
    ) -> Iterator[Event]:
        """GET /api/v1/stream/frontiers: yields an Event per frontier update (event "frontier",
        data the frontier JSON), until the caller stops iterating.

        The server sends a heartbeat every 15 s, so a connection silent for read_timeout is taken
        as broken. With reconnect, a dropped connection (or a 503: all subscriber slots taken) is
        opened again after the server's retry interval, else 1 s, doubling up to 30 s while it
        keeps failing; max_reconnects bounds that (None: forever). The server keeps no replay
        (docs/http-api.md): updates published while disconnected are not sent again, so read
        frontier() after a reconnect when every version matters. A Last-Event-ID header is sent
        on reconnecting whenever the server gave event ids.
        """
        query = {k: v for k, v in (("target", target), ("objective", objective)) if v}
        url = self.url + "/api/v1/stream/frontiers"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        parser = SseParser()
        failures = 0
        reconnects = 0
        while True:
            headers = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
            if parser.last_event_id is not None:
                headers["Last-Event-ID"] = parser.last_event_id
            request = urllib.request.Request(url, headers=headers, method="GET")
            try:
                with urllib.request.urlopen(request, timeout=read_timeout) as response:
                    failures = 0
                    while True:
                        raw = response.readline()
                        if not raw:
                            break  # the server closed the stream
                        event = parser.feed(raw.decode("utf-8").rstrip("\r\n"))
                        if event is not None:
                            yield event
            except urllib.error.HTTPError as e:
                error = _error_of(e, url)
                if not (reconnect and e.code == 503):
                    raise error from None
                failures += 1
            except (OSError, socket.timeout):  # URLError, reset, timeout: the connection broke
                if not reconnect:
                    raise
                failures += 1
            parser.reset()
            if not reconnect or (max_reconnects is not None and reconnects >= max_reconnects):
                return
            reconnects += 1
            base = parser.retry_ms / 1000 if parser.retry_ms is not None else 1.0
            time.sleep(min(30.0, base * 2 ** max(0, failures - 1)))

    # --- plumbing ------------------------------------------------------------------------------

    def _json(
        self,
        method: str,
        path: str,
        query: Optional[Dict[str, str]] = None,
        body: Optional[bytes] = None,
        headers: Optional[Dict[str, str]] = None,
    ) -> Any:
        url = self.url + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        all_headers = {"Accept": "application/json"}
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        request = urllib.request.Request(url, data=body, headers=all_headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as e:
            raise _error_of(e, url) from None


def _path(target: str) -> str:
    """A target id in a path: its slashes as they are, anything else percent-encoded."""
    return urllib.parse.quote(target, safe="/")


def _error_of(e: urllib.error.HTTPError, url: str) -> HilnasError:
    text = e.read().decode("utf-8", "replace")
    try:
        message = json.loads(text)["error"]
    except (ValueError, KeyError, TypeError):
        message = text.strip() or e.reason
    retry = e.headers.get("Retry-After") if e.headers else None
    try:
        retry_after = float(retry) if retry is not None else None
    except ValueError:
        retry_after = None
    return HilnasError(e.code, str(message), url, retry_after)
