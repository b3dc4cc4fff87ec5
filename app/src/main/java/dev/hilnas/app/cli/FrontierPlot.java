package dev.hilnas.app.cli;

import dev.hilnas.core.frontier.FrontierPoint;
import dev.hilnas.core.frontier.LatencySource;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** A PNG of a frontier: every point faint, the frontier as a staircase, measured vs predicted. */
final class FrontierPlot {

  private static final int WIDTH = 960;
  private static final int HEIGHT = 640;
  private static final int LEFT = 90;
  private static final int RIGHT = 30;
  private static final int TOP = 60;
  private static final int BOTTOM = 70;

  private FrontierPlot() {}

  static void write(Path file, String title, List<FrontierPoint> all, List<FrontierPoint> frontier)
      throws IOException {
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    double maxLatency = all.stream().mapToDouble(FrontierPoint::latencyMs).max().orElse(1) * 1.05;
    double minQuality = all.stream().mapToDouble(FrontierPoint::quality).min().orElse(0) * 0.95;
    double maxQuality = all.stream().mapToDouble(FrontierPoint::quality).max().orElse(1) * 1.05;
    Scale x = new Scale(0, maxLatency, LEFT, WIDTH - RIGHT);
    Scale y = new Scale(minQuality, maxQuality, HEIGHT - BOTTOM, TOP);

    g.setColor(Color.DARK_GRAY);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
    g.drawString(title, LEFT, 35);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g.drawLine(LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM);
    g.drawLine(LEFT, TOP, LEFT, HEIGHT - BOTTOM);
    for (int i = 0; i <= 5; i++) {
      double lv = maxLatency * i / 5;
      int px = x.at(lv);
      g.drawLine(px, HEIGHT - BOTTOM, px, HEIGHT - BOTTOM + 5);
      g.drawString(String.format("%.3g", lv), px - 15, HEIGHT - BOTTOM + 20);
      double qv = minQuality + (maxQuality - minQuality) * i / 5;
      int py = y.at(qv);
      g.drawLine(LEFT - 5, py, LEFT, py);
      g.drawString(String.format("%.3g", qv), LEFT - 55, py + 5);
    }
    g.drawString("latency (ms)", (LEFT + WIDTH - RIGHT) / 2 - 40, HEIGHT - 25);
    g.rotate(-Math.PI / 2);
    g.drawString("perplexity (lower is better)", -(TOP + HEIGHT - BOTTOM) / 2 - 80, 25);
    g.rotate(Math.PI / 2);

    for (FrontierPoint p : all) {
      g.setColor(new Color(120, 120, 120, 90));
      dot(g, p, x, y, 5);
    }
    g.setColor(new Color(200, 60, 40));
    g.setStroke(new BasicStroke(2));
    Path2D stairs = new Path2D.Double();
    for (int i = 0; i < frontier.size(); i++) {
      FrontierPoint p = frontier.get(i);
      if (i == 0) {
        stairs.moveTo(x.at(p.latencyMs()), y.at(p.quality()));
      } else {
        stairs.lineTo(x.at(p.latencyMs()), y.at(frontier.get(i - 1).quality()));
        stairs.lineTo(x.at(p.latencyMs()), y.at(p.quality()));
      }
    }
    g.draw(stairs);
    for (FrontierPoint p : frontier) {
      dot(g, p, x, y, 9);
    }
    g.setColor(Color.DARK_GRAY);
    g.drawString(
        "● measured   ○ predicted   red: frontier (" + frontier.size() + " of " + all.size() + ")",
        WIDTH - RIGHT - 380,
        TOP - 10);
    g.dispose();
    // through a stream of our own: given a File, ImageIO prints the stack trace of a file it cannot
    // open to the console itself and then throws "Can't create an ImageOutputStream!"
    try (OutputStream out = Files.newOutputStream(file)) {
      ImageIO.write(image, "png", out);
    }
  }

  private static void dot(Graphics2D g, FrontierPoint p, Scale x, Scale y, int size) {
    int px = x.at(p.latencyMs()) - size / 2;
    int py = y.at(p.quality()) - size / 2;
    if (p.source() == LatencySource.MEASURED) {
      g.fillOval(px, py, size, size);
    } else {
      g.drawOval(px, py, size, size);
    }
  }

  private record Scale(double from, double to, int pixelFrom, int pixelTo) {
    int at(double v) {
      return (int) Math.round(pixelFrom + (v - from) / (to - from) * (pixelTo - pixelFrom));
    }
  }
}
