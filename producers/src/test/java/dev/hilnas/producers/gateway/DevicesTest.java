package dev.hilnas.producers.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevicesTest {

  @Test
  void aTokenAuthenticatesItsDeviceAndOnlyItsHashIsWritten(@TempDir Path dir) throws Exception {
    Devices.Added added = new Devices(List.of()).add("phone-1", Set.of("pixel8-cpu/executorch"));
    Path file = dir.resolve("devices.json");
    added.devices().write(file);
    String stored = Files.readString(file);
    assertFalse(stored.contains(added.token()), "the token itself is never stored");
    assertTrue(stored.contains(Devices.hash(added.token())));

    Devices read = Devices.read(file);
    assertEquals("phone-1", read.authenticate(added.token()).orElseThrow().id());
    assertTrue(read.authenticate(added.token() + "x").isEmpty());
    assertTrue(read.authenticate(null).isEmpty());
    assertEquals(Set.of("pixel8-cpu/executorch"), read.all().get(0).targets());
  }

  @Test
  void tokensAreFreshAndNamesUnique() {
    Devices.Added a = new Devices(List.of()).add("a", Set.of("x/y"));
    Devices.Added b = a.devices().add("b", Set.of("x/y"));
    assertFalse(a.token().equals(b.token()));
    assertThrows(IllegalArgumentException.class, () -> b.devices().add("a", Set.of("x/y")));
    for (String id : new String[] {"", " ", "has space", "tab\there"}) {
      assertEquals(
          "a device id is one word without spaces, e.g. lab-numpy-1, got '" + id + "'",
          assertThrows(IllegalArgumentException.class, () -> b.devices().add(id, Set.of("x/y")))
              .getMessage());
    }
  }

  @Test
  void aMissingFileMeansNoDevices(@TempDir Path dir) throws Exception {
    assertTrue(Devices.read(dir.resolve("none.json")).all().isEmpty());
  }

  @Test
  void aFileThatIsNoDevicesFileIsNamed(@TempDir Path dir) throws Exception {
    Path garbage = java.nio.file.Files.writeString(dir.resolve("devices.json"), "garbage");
    String said =
        assertThrows(IllegalArgumentException.class, () -> Devices.read(garbage)).getMessage();
    assertTrue(said.startsWith(garbage + ": not a devices file (Unrecognized token"), said);
    assertFalse(said.contains("Source"), said);
  }
}
