"""Tests of the emulator package (emulator/), mirroring its layout."""
