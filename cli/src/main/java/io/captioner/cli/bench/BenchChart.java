package io.captioner.cli.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The bench's chart: in-process throughput (left axis) and time per batch (right axis) against the
 * batch size, with the end-to-end throughput of the run as one point at the app's batch size.
 */
public final class BenchChart {

    private BenchChart() {}

    /**
     * Writes the chart as a PNG to {@code file}.
     *
     * @param title the chart's title
     * @param sweep one in-process result per batch size
     * @param e2eBatchSize the app's batch size
     * @param e2eImagesPerSecond the end-to-end throughput
     */
    public static void write(
            Path file,
            String title,
            List<InProcessResult> sweep,
            int e2eBatchSize,
            double e2eImagesPerSecond)
            throws IOException {
        List<InProcessResult> points =
                sweep.stream()
                        .sorted(java.util.Comparator.comparingInt(InProcessResult::batchSize))
                        .toList();
        double[] x = points.stream().mapToDouble(InProcessResult::batchSize).toArray();
        double[] throughput =
                points.stream().mapToDouble(InProcessResult::imagesPerSecond).toArray();
        double[] p50 =
                points.stream().mapToDouble(r -> r.batchLatency().percentileMillis(50)).toArray();
        XYChart chart =
                new XYChartBuilder()
                        .width(900)
                        .height(540)
                        .title(title)
                        .xAxisTitle("batch size (images per caption call)")
                        .yAxisTitle("images/s")
                        .build();
        chart.setYAxisGroupTitle(1, "ms per batch (p50)");
        XYStyler styler = chart.getStyler();
        styler.setLegendPosition(LegendPosition.InsideNW);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setXAxisLogarithmic(true);
        styler.setXAxisLogarithmicDecadeOnly(false);
        styler.setXAxisDecimalPattern("0");
        styler.setYAxisMin(0, 0.0);
        styler.setYAxisMin(1, 0.0);
        styler.setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        XYSeries raw = chart.addSeries("in process, images/s", x, throughput);
        raw.setMarker(SeriesMarkers.CIRCLE).setLineColor(new Color(0x1f77b4));
        raw.setMarkerColor(new Color(0x1f77b4));
        XYSeries latency = chart.addSeries("in process, ms per batch (p50)", x, p50);
        latency.setMarker(SeriesMarkers.SQUARE)
                .setLineColor(new Color(0xff7f0e))
                .setLineStyle(
                        new BasicStroke(
                                2f,
                                BasicStroke.CAP_BUTT,
                                BasicStroke.JOIN_MITER,
                                10f,
                                new float[] {6f, 4f},
                                0f));
        latency.setMarkerColor(new Color(0xff7f0e));
        latency.setYAxisGroup(1);
        XYSeries e2e =
                chart.addSeries(
                        String.format(
                                Locale.ROOT,
                                "end to end through Kafka, images/s (batch %d)",
                                e2eBatchSize),
                        new double[] {e2eBatchSize},
                        new double[] {e2eImagesPerSecond});
        e2e.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter)
                .setMarker(SeriesMarkers.DIAMOND);
        e2e.setMarkerColor(new Color(0x2ca02c));
        Files.write(file, BitmapEncoder.getBitmapBytes(chart, BitmapFormat.PNG));
    }
}
