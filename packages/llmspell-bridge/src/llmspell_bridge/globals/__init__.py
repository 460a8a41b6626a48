"""The globals the bridge itself provides; each module is one ``llmspell.globals`` entry point."""
