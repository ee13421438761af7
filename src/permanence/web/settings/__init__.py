"""Settings: ``base`` holds what every environment shares; the others adjust it."""
