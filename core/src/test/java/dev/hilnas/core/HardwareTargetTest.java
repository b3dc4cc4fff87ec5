package dev.hilnas.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
