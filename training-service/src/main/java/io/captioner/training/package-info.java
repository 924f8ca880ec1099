/**
 * The training service: consumes labeled (image, caption) pairs, trains and evaluates the
 * captioner, and publishes better model versions to the model topic. Built by a later issue; this
 * module exists so the build, module map and dependencies are in place.
 */
package io.captioner.training;
