/**
 * The training service: follows the labeled pairs on Kafka, trains and evaluates the captioner, and
 * publishes a version to the model topic only when it beats the active one, recording every
 * decision on {@code training-runs}. See the module's README.
 */
package io.captioner.training;
