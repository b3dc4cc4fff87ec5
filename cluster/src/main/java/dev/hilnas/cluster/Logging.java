package dev.hilnas.cluster;

/** The processes log to stdout, which goes to their file under {@code DIR/logs}. */
final class Logging {
  private Logging() {}

  static final String CONSOLE_LOG4J2 =
      """
      rootLogger.level = INFO
      rootLogger.appenderRef.console.ref = console
      appender.console.type = Console
      appender.console.name = console
      appender.console.layout.type = PatternLayout
      appender.console.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%t] %c - %m%n
      """;
}
