"""Demo and scale data for development sites and load tests: the one app that writes through every other app."""
