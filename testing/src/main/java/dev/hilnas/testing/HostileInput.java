package dev.hilnas.testing;

import dev.hilnas.schemas.json.HostileJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * What a careless or hostile client sends, for the fuzzer of every input path, as jqwik arbitraries
 * over {@code schemas}' {@link HostileJson}: valid lines of a contract mutated field by field,
 * lines cut short, random text, deep nesting, and bytes that are not UTF-8. Random text and bytes
 * come from jqwik, so that its edge cases and shrinking apply to them.
 */
public final class HostileInput {
  private HostileInput() {}

  /** Valid measurement lines (two targets, compact and per-layer candidates). */
  public static final List<String> MEASUREMENTS = HostileJson.MEASUREMENTS;

  /** Valid quality lines. */
  public static final List<String> QUALITY = HostileJson.QUALITY;

  /** Valid candidates, as in a candidate file or a predict request. */
  public static final List<String> CANDIDATES = HostileJson.CANDIDATES;

  /** Text a client may send where one JSON object of the contract is expected. */
  public static Arbitrary<String> lines(List<String> seeds) {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.of(seeds)),
        Tuple.of(6, Arbitraries.randoms().map(r -> HostileJson.mutate(pick(seeds, r), r))),
        Tuple.of(1, Arbitraries.randoms().map(r -> HostileJson.cut(pick(seeds, r), r))),
        Tuple.of(1, Arbitraries.strings().ofMaxLength(200)),
        Tuple.of(1, Arbitraries.randoms().map(HostileJson::nested)));
  }

  /** Bytes a client may send where UTF-8 JSON is expected: lines, and some not UTF-8 at all. */
  public static Arbitrary<byte[]> bytes(List<String> seeds) {
    return Arbitraries.frequencyOf(
        Tuple.of(4, lines(seeds).map(s -> s.getBytes(StandardCharsets.UTF_8))),
        Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(300)),
        Tuple.of(
            1,
            Arbitraries.randoms()
                .map(
                    r ->
                        HostileJson.invalidUtf8(
                            pick(seeds, r).getBytes(StandardCharsets.UTF_8), r))));
  }

  private static String pick(List<String> seeds, Random r) {
    return seeds.get(r.nextInt(seeds.size()));
  }
}
