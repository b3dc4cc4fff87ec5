package dev.hilnas.producers.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hilnas.schemas.http.HttpJson;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /api/v1/measurements}: the HTTP face of the {@link IngestGateway}. A device sends
 * {@code Authorization: Bearer <token>} and a body of JSONL or a JSON array of measurements; the
 * answer is {@code {"accepted":N,"duplicates":D,"invalid":M,"errors":[{"line":K,"reason":".."}]}}
 * or 400/401/403/413/429 (with Retry-After)/503 and a message.
 */
public final class IngestApi {

  static final int MAX_BODY_BYTES = 8 << 20;

  private final IngestGateway gateway;
  private final Counter accepted;
  private final Counter duplicates;
  private final Counter invalid;
  private final MeterRegistry registry;

  public IngestApi(IngestGateway gateway, MeterRegistry registry) {
    this.gateway = gateway;
    this.registry = registry;
    this.accepted = lines("accepted", registry);
    this.duplicates = lines("duplicate", registry);
    this.invalid = lines("invalid", registry);
    Gauge.builder("hilnas_ingest_unacknowledged_records", gateway, IngestGateway::inFlight)
        .description("ingested records Kafka has not acknowledged yet")
        .register(registry);
  }

  private static Counter lines(String outcome, MeterRegistry registry) {
    return Counter.builder("hilnas_ingest_measurements_total")
        .description("device-ingest lines by outcome: accepted, duplicate, invalid")
        .tag("outcome", outcome)
        .register(registry);
  }

  public void register(HttpServer server) {
    server.createContext("/api/v1/measurements", ex -> HttpJson.handle(ex, "POST", this::ingest));
  }

  private void ingest(HttpExchange ex) throws IOException {
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    String token =
        auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
            ? auth.substring(7).strip()
            : null;
    try {
      // who is posting before what: a stranger's body is never read
      Devices.Device device = gateway.authenticate(token);
      byte[] body =
          HttpJson.body(
              ex,
              MAX_BODY_BYTES,
              "a batch is at most " + (MAX_BODY_BYTES >> 20) + " MiB; split it");
      IngestGateway.Result result =
          gateway.ingest(device, new String(body, StandardCharsets.UTF_8));
      accepted.increment(result.accepted());
      duplicates.increment(result.duplicates());
      invalid.increment(result.invalid());
      HttpJson.send(ex, 200, result); // its fields in their order, as http-api.md shows them
    } catch (IngestGateway.Refused e) {
      Counter.builder("hilnas_ingest_refused_total")
          .description("device-ingest requests refused as a whole, by HTTP status")
          .tag("status", Integer.toString(e.status()))
          .register(registry)
          .increment();
      if (e.retryAfterSeconds() > 0) {
        ex.getResponseHeaders().set("Retry-After", Integer.toString(e.retryAfterSeconds()));
      }
      throw new HttpJson.ClientError(e.status(), e.getMessage());
    }
  }
}
