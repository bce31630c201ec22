"""The local AWS emulator (moto's server) used by deploy tests and ``make emulator``."""
