"""Communication tools: send messages through e-mail and chat services."""
