"""File-system tools: every path stays inside `[tools.filesystem] allowed_paths`."""
