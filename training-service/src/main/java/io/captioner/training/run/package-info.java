/** One training run: trigger, train, evaluate, gate and publish in one transaction. */
package io.captioner.training.run;
