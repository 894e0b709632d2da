"""Modal screens: help and export."""
