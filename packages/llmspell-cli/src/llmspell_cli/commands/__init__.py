"""Built-in ``llmspell`` commands, each imported only when invoked."""
