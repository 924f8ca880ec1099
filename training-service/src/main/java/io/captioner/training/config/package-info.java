/** Typed configuration of the training service ({@code config/training-service.properties}). */
package io.captioner.training.config;
