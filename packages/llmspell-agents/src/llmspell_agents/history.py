"""The conversation an agent remembers between calls, bounded by ``max_conversation_length``.

Only user turns and the agent's final replies are kept (not the tool-call chatter of each
turn), so trimming never separates a tool call from its result and the history reads the same
whatever provider answered.
"""

from __future__ import annotations

import threading

from llmspell_core.messages import Message, Role

__all__ = ["ConversationHistory"]


class ConversationHistory:
    def __init__(self, max_messages: int) -> None:
        if max_messages < 1:
            raise ValueError(f"max_messages must be at least 1, got {max_messages}")
        self.max_messages = max_messages
        self._messages: list[Message] = []
        self._lock = threading.Lock()

    def snapshot(self) -> list[Message]:
        with self._lock:
            return list(self._messages)

    def add_turn(self, user: Message, reply: Message) -> None:
        """Append one exchange, dropping the oldest messages beyond the bound."""
        with self._lock:
            self._messages.extend([user, reply])
            excess = len(self._messages) - self.max_messages
            if excess > 0:
                del self._messages[:excess]
            # never start on a reply whose question was trimmed away
            while self._messages and self._messages[0].role != Role.USER:
                del self._messages[0]

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()

    def __len__(self) -> int:
        return len(self._messages)

    def to_script(self) -> list[dict[str, str]]:
        return [{"role": str(m.role), "content": m.content} for m in self.snapshot()]
