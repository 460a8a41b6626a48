"""Data tools: JSON, CSV, graphs."""
