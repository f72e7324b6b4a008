"""A neural-network playground in the browser, trained by the tinygrad_nn engine."""
