package dev.hilnas.core.latency;

import dev.hilnas.core.Measurement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How well a device agrees with itself: among measurements repeated for the same architecture,
 * target, phase and context, the share of pairs within ±10% of each other. No model can be reliably
 * closer to a measurement than a second measurement is, so every accuracy figure is read next to
 * this one.
 *
 * @param pairs pairs of repeated measurements found; 0 when nothing was repeated
 * @param within10 share of those pairs whose larger value is at most 10% above the smaller; NaN
 *     when there are no pairs
 */
public record NoiseFloor(int pairs, double within10) {

  public static NoiseFloor of(List<Measurement> measurements) {
    Map<String, List<Double>> repeats = new LinkedHashMap<>();
    for (Measurement m : measurements) {
      String key = m.target().id() + "|" + m.candidate().archId() + "|" + m.objective();
      repeats.computeIfAbsent(key, k -> new ArrayList<>()).add(m.latencyMs());
    }
    int pairs = 0;
    int agreeing = 0;
    for (List<Double> values : repeats.values()) {
      for (int i = 0; i < values.size(); i++) {
        for (int j = i + 1; j < values.size(); j++) {
          double a = values.get(i);
          double b = values.get(j);
          pairs++;
          if (Math.max(a, b) <= (1 + Accuracy.TEN_PERCENT) * Math.min(a, b)) {
            agreeing++;
          }
        }
      }
    }
    return new NoiseFloor(pairs, pairs == 0 ? Double.NaN : (double) agreeing / pairs);
  }
}
