package dev.hilnas.core.latency;

/**
 * What a fit knows about its own accuracy, from cross-validation that holds out whole
 * architectures.
 *
 * @param observations points the fit used
 * @param architectures distinct architectures among them
 * @param cv accuracy of out-of-fold predictions; n = 0 when there were too few architectures to
 *     hold any out
 * @param residualTrees boosted trees in the residual correction (0 = the linear model alone)
 */
public record FitQuality(int observations, int architectures, Accuracy cv, int residualTrees) {}
