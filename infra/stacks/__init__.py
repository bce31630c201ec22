"""One stack class per system, built per environment from its settings."""
