package dev.hilnas.sinks;

import dev.hilnas.sinks.state.FrontierCatalog;
import dev.hilnas.sinks.state.Materializer;
import dev.hilnas.sinks.state.ModelCatalog;
import java.io.IOException;
import org.apache.kafka.streams.TopologyTestDriver;

/** A real query service on a free port, reading the stores of a TopologyTestDriver. */
public final class TestServices {
  private TestServices() {}

  public static QueryService over(TopologyTestDriver driver) throws IOException {
    return new QueryService(
        "localhost",
        0,
        () -> true,
        new ModelCatalog(() -> driver.getKeyValueStore(Materializer.MODELS_STORE)),
        new FrontierCatalog(() -> driver.getKeyValueStore(Materializer.FRONTIERS_STORE)));
  }
}
