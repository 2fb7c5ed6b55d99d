package io.warren.examples.prices;

/** The answer of {@link PriceQuoter}: a product's price, or why there is none. */
public record Quote(String product, double price, String error) {
}
