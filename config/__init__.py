"""Settings every layer may read: one typed object from the environment, built by the composition roots."""
