/** The typed, documented configuration of the streams app. */
package io.captioner.streams.config;
