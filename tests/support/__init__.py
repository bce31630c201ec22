"""Helpers shared by the test suites: Terraform, the emulator, the deploy check."""
