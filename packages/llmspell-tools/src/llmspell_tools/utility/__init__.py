"""Pure-computation utility tools."""
