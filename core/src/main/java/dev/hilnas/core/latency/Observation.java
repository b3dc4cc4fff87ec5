package dev.hilnas.core.latency;

/**
 * One measured point as a fitter sees it.
 *
 * @param group the architecture's id: cross-validation holds out whole architectures, so the
 *     reported error is the error on candidates the model has not seen
 * @param work the {@link Features} of the point
 * @param shape the {@link Features#SHAPE_NAMES shape inputs} of the point
 * @param latencyMs the measured latency, ms, > 0
 */
record Observation(String group, double[] work, double[] shape, double latencyMs) {}
