package dev.hilnas.producers.agent;

import dev.hilnas.core.Limits;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What an agent times for one request: the request's objectives, else both phases at each of its
 * contexts, else the agent's own — less those at contexts longer than the agent measures or accepts
 * (its limits), which the latency model then predicts. When every asked objective is left out, the
 * agent's own are timed, so that the candidate still teaches the model something.
 *
 * @param timed in the request's order
 * @param leftOut asked for, but longer than the agent measures
 */
public record TimedObjectives(List<Objective> timed, List<Objective> leftOut) {

  /**
   * @param objectives the request's, {@code PHASE@tokens}
   * @param contexts the request's, tokens
   * @param own the agent's {@code --objectives}
   * @param maxMeasuredContext the longest context the agent times; 0 = as long as its limits allow
   * @throws IllegalArgumentException when an asked objective or context is not one (the request is
   *     refused as a whole, as a damaged one would be)
   */
  public static TimedObjectives of(
      List<String> objectives,
      List<Integer> contexts,
      List<Objective> own,
      int maxMeasuredContext,
      Limits limits) {
    Set<Objective> asked = new LinkedHashSet<>(); // a request naming one twice times it once
    if (!objectives.isEmpty()) {
      objectives.forEach(o -> asked.add(Objective.parse(o)));
    } else {
      for (int context : contexts) {
        asked.add(new Objective(Phase.PREFILL, context));
        asked.add(new Objective(Phase.DECODE, context));
      }
    }
    if (asked.isEmpty()) {
      return new TimedObjectives(own, List.of());
    }
    int longest =
        maxMeasuredContext > 0
            ? Math.min(maxMeasuredContext, limits.maxContextLength())
            : limits.maxContextLength();
    List<Objective> timed = new ArrayList<>();
    List<Objective> leftOut = new ArrayList<>();
    for (Objective o : asked) {
      (o.contextLength() > longest ? leftOut : timed).add(o);
    }
    return new TimedObjectives(timed.isEmpty() ? own : timed, leftOut);
  }
}
