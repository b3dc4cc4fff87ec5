package dev.hilnas.core.search;

import dev.hilnas.core.Candidate;

/**
 * A candidate to measure on a target, why, and how the strategy scored it.
 *
 * @param score the strategy's own measure (hilnas: the optimistic hypervolume gain, a share of the
 *     reference box); 0 where a strategy does not score
 */
public record Proposal(Candidate candidate, String targetId, String reason, double score) {}
