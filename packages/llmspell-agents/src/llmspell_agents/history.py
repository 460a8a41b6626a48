"""The conversation an agent remembers between calls, bounded by ``max_conversation_length``.

Only user turns and the agent's final replies are kept (not the tool-call chatter of each
turn), so trimming never separates a tool call from its result and the history reads the same
whatever provider answered.
"""

from __future__ import annotations

import threading

from llmspell_core.messages import Message, Role

__all__ = ["ConversationHistory"]

#: Read once: looking a member up on the enum class costs more than comparing it.
_USER = Role.USER


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

    def around(self, system: Message | None, user: Message) -> list[Message]:
        """The messages of a new request: ``system``, the remembered ones, then ``user``."""
        with self._lock:
            if system is None:
                return [*self._messages, user]
            return [system, *self._messages, user]

    def add_turn(self, user: Message, reply: Message) -> None:
        """Append one exchange, dropping the oldest messages beyond the bound."""
        with self._lock:
            messages = self._messages
            messages.append(user)
            messages.append(reply)
            excess = len(messages) - self.max_messages
            if excess > 0:
                del messages[:excess]
                # never start on a reply whose question was trimmed away
                while messages and messages[0].role != _USER:
                    del messages[0]

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()

    def __len__(self) -> int:
        return len(self._messages)

    def to_script(self) -> list[dict[str, str]]:
        return [{"role": str(m.role), "content": m.content} for m in self.snapshot()]
