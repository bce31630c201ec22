"""Reusable constructs, one per file, named after what they make."""
