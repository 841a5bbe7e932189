"""The platform channels this process sends through, per channel name and tenant.

One registry is built by the composition root (bot/app/web.py) and given at construction to both the
conversation service, which asks whether a conversation's replies are pushed to a platform (then they
are stored `delivery="queued"` until sent, bot/engine/delivery.py), and the dispatcher, which registers
the channels and sends through them (bot/engine/dispatch.py). Before, the dispatcher set a callback on
the conversation service after both existed.
"""

from __future__ import annotations

from bot.core.channel import Channel


class ChannelRegistry:
    def __init__(self) -> None:
        self._channels: dict[tuple[str, str | None], Channel] = {}

    def register(self, channel: Channel, *, tenant: str | None = None) -> None:
        """A channel for one tenant (e.g. that tenant's Telegram bot), or for all when tenant is None."""
        self._channels[(channel.name, tenant)] = channel

    def get(self, channel: str, tenant: str) -> Channel | None:
        return self._channels.get((channel, tenant)) or self._channels.get((channel, None))

    def pushes(self, channel: str, tenant: str) -> bool:
        """Whether replies on this channel go out through a sender (and wait, stored, until it took them)."""
        return self.get(channel, tenant) is not None
