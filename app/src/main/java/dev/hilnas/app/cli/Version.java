package dev.hilnas.app.cli;

import picocli.CommandLine;

final class Version implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Version.class.getPackage().getImplementationVersion();
    return new String[] {
      "hilnas " + (v == null ? "dev" : v),
      "Java "
          + Runtime.version()
          + " ("
          + System.getProperty("java.home")
          + "); CPU runtime "
          + dev.hilnas.llm.runtime.JavaCpuRunner.name()
    };
  }
}
