"""The JavaScript engine (QuickJS)."""
