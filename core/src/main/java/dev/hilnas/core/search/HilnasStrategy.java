package dev.hilnas.core.search;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The hilnas search: the {@link Proposer} scores candidates with the target's latency model and a
 * {@link QualityPredictor} fitted on every evaluation so far. Not thread-safe (it keeps the last
 * fit, which the strategies it makes {@link #withWeightBits} share).
 */
public final class HilnasStrategy implements SearchStrategy {

  private final SearchSpace space;
  private final Proposer proposer;
  private final QualityFit quality;

  public HilnasStrategy(SearchSpace space) {
    this(space, new QualityFit());
  }

  private HilnasStrategy(SearchSpace space, QualityFit quality) {
    this.space = space;
    this.proposer = new Proposer(space);
    this.quality = quality;
  }

  /**
   * The same search at one weight precision, sharing this one's quality fit (bits aside, the same).
   */
  @Override
  public SearchStrategy withWeightBits(int bits) {
    return new HilnasStrategy(space.withWeightBits(bits), quality);
  }

  @Override
  public List<Proposal> propose(
      TargetView view, Set<String> excluded, int count, SplittableRandom random) {
    return proposer.propose(view, quality.of(space, view.evaluated()), excluded, count, random);
  }

  /** The quality predictor, refitted only when the evaluations changed (a fit is cubic in them). */
  private static final class QualityFit {
    private List<QualityPredictor.Evaluated> fittedOn;
    private QualityPredictor quality;

    QualityPredictor of(SearchSpace space, List<QualityPredictor.Evaluated> evaluated) {
      if (!evaluated.equals(fittedOn)) {
        quality = QualityPredictor.fit(space.backbone(), evaluated);
        fittedOn = List.copyOf(evaluated);
      }
      return quality;
    }
  }
}
