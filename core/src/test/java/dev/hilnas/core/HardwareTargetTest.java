package dev.hilnas.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.OptionalInt;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class HardwareTargetTest {

  @Test
  void shouldParseWhatItsIdPrints() {
    assertEquals(
        new HardwareTarget("pixel8-cpu", "executorch-xnnpack"),
        HardwareTarget.parse("pixel8-cpu/executorch-xnnpack"));
    HardwareTarget withPrecision = HardwareTarget.parse(" x86-1thread/java-cpu/fp32 ");
    assertEquals(new HardwareTarget("x86-1thread", "java-cpu", "fp32"), withPrecision);
    assertEquals("x86-1thread/java-cpu/fp32", withPrecision.id());
  }

  @Test
  void shouldReadTheWeightBitsAPrecisionNames() {
    Map<String, Integer> named =
        Map.ofEntries(
            Map.entry("fp32", 32),
            Map.entry("F32", 32),
            Map.entry("float16", 16),
            Map.entry("bf16", 16),
            Map.entry("q8_0", 8),
            Map.entry("q4_0", 4),
            Map.entry("Q4_K_M", 4),
            Map.entry("q4-0", 4),
            Map.entry("iq4_nl", 4),
            Map.entry("int8", 8),
            Map.entry("int8-dynamic", 8),
            Map.entry("w4a16", 4),
            Map.entry("i4", 4));
    named.forEach(
        (precision, bits) ->
            assertEquals(
                OptionalInt.of(bits),
                new HardwareTarget("h", "r", precision).weightBits(),
                precision));
    for (String other : new String[] {"mixed", "fp8", "q80", "int16", "q3_k"}) {
      assertEquals(OptionalInt.empty(), new HardwareTarget("h", "r", other).weightBits(), other);
    }
    assertEquals(OptionalInt.empty(), new HardwareTarget("h", "r").weightBits(), "no precision");
  }

  @Test
  void shouldSayWhatATargetLooksLike() {
    for (String bad : new String[] {"pixel8-cpu", "a/b/c/d", ""}) {
      assertEquals(
          "target must look like hardware/runtime[/precision], e.g. pixel8-cpu/executorch-xnnpack, got '"
              + bad
              + "'",
          assertThrows(IllegalArgumentException.class, () -> HardwareTarget.parse(bad))
              .getMessage());
    }
    assertEquals(
        "target must look like hardware/runtime[/precision], e.g. pixel8-cpu/executorch-xnnpack, got 'null'",
        assertThrows(IllegalArgumentException.class, () -> HardwareTarget.parse(null))
            .getMessage());
  }

  @Test
  void shouldNameTheIdWhosePartIsWrong() {
    assertEquals(
        "target 'pixel8//fp16': runtime is required",
        assertThrows(IllegalArgumentException.class, () -> HardwareTarget.parse("pixel8//fp16"))
            .getMessage());
    assertEquals(
        "target 'pixel 8/xnn': hardware 'pixel 8' must be 1-64 letters, digits or . _ + - (no '/' or spaces)",
        assertThrows(IllegalArgumentException.class, () -> HardwareTarget.parse("pixel 8/xnn"))
            .getMessage());
  }

  /** The names a target's parts may have, as a regular expression. */
  private static final java.util.regex.Pattern NAME =
      java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");

  @Property
  void shouldAcceptExactlyTheNamesThePatternDescribes(
      @ForAll @StringLength(max = 70) @CharRange(from = ' ', to = '~') String name) {
    assertEquals(NAME.matcher(name).matches(), HardwareTarget.isName(name), name);
  }

  @Property
  void shouldAcceptExactlyTheNamesThePatternDescribesAtTheLengthLimit(
      @ForAll @StringLength(min = 60, max = 68) @Chars({'a', 'Z', '0', '-', '.', '_', '+'})
          String name) {
    assertEquals(NAME.matcher(name).matches(), HardwareTarget.isName(name), name);
  }
}
