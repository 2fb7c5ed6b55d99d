/**
 * Warren's public API: what applications compile against. Declarations ({@link io.warren.Exchange},
 * {@link io.warren.Queue}, {@link io.warren.Binding}) are immutable values; a
 * {@link io.warren.ConnectionFactory} from JNDI gives {@link io.warren.Connection} handles and
 * {@link io.warren.Producer}s; consumers receive {@link io.warren.Message}s and settle them once.
 * Every exception is an unchecked {@link io.warren.WarrenException}.
 */
package io.warren;
