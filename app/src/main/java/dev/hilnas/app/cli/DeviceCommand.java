package dev.hilnas.app.cli;

import dev.hilnas.core.HardwareTarget;
import dev.hilnas.producers.gateway.Devices;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "device",
    mixinStandardHelpOptions = true,
    subcommands = {DeviceCommand.Add.class, DeviceCommand.ListDevices.class},
    description = "Devices allowed to post measurements over HTTP (POST /api/v1/measurements).")
final class DeviceCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final class File {
    @Option(
        names = "--devices",
        defaultValue = "${env:HILNAS_DEVICES:-${sys:user.home}/.hilnas/devices.json}",
        description = "The devices file (default: ${DEFAULT-VALUE}).")
    Path path;
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = {
        "Register a device for its targets and print its token.",
        "",
        "The token is shown only this once: the devices file keeps its SHA-256."
      })
  static final class Add implements Callable<Integer> {
    @Option(names = "--id", required = true, description = "The device's name, e.g. pixel8-lab-1.")
    String id;

    @Option(
        names = "--target",
        required = true,
        paramLabel = "HARDWARE/RUNTIME[/PRECISION]",
        description = "A target it may report for; repeatable.")
    List<HardwareTarget> targets;

    @CommandLine.Mixin File file;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      LinkedHashSet<String> ids = new LinkedHashSet<>();
      for (HardwareTarget t : targets) {
        ids.add(t.id());
      }
      Devices.Added added = Devices.read(file.path).add(id, ids);
      if (file.path.getParent() != null) {
        Files.createDirectories(file.path.getParent());
      }
      added.devices().write(file.path);
      PrintWriter out = spec.commandLine().getOut();
      out.println(added.token());
      spec.commandLine()
          .getErr()
          .printf(
              "registered %s for %s in %s; keep the token above, it is not stored%n",
              id, ids, file.path);
      return 0;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "The registered devices and their targets.")
  static final class ListDevices implements Callable<Integer> {
    @CommandLine.Mixin File file;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      var devices = Devices.read(file.path).all();
      for (Devices.Device d : devices) {
        spec.commandLine().getOut().println(d.id() + " " + d.targets());
      }
      if (devices.isEmpty()) { // stdout stays empty for scripts; a person learns why
        spec.commandLine()
            .getErr()
            .println("no devices registered in " + file.path + " (device add registers one)");
      }
      return 0;
    }
  }
}
